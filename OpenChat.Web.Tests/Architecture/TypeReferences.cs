using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace OpenChat.Web.Tests.Architecture;

/// <summary>
/// Which of an assembly's own types each of its types uses, read from the compiled metadata: base types,
/// interfaces, attributes, field, property, event and method signatures, locals, and every type, method and field
/// token in the method bodies' IL (so a use inside a method counts as much as one in a signature).
/// </summary>
public static class TypeReferences
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>Pairs (user, used) of full type names; nested and compiler-made types count as their outermost type.</summary>
    public static IReadOnlySet<(string User, string Used)> Read(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var reader = pe.GetMetadataReader();
        var provider = new OwnTypes(reader);
        var pairs = new HashSet<(string, string)>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var user = OutermostName(reader, handle);
            var used = new List<TypeDefinitionHandle>();
            var type = reader.GetTypeDefinition(handle);
            used.AddRange(FromTypeHandle(reader, provider, type.BaseType));
            foreach (var i in type.GetInterfaceImplementations())
            {
                used.AddRange(FromTypeHandle(reader, provider, reader.GetInterfaceImplementation(i).Interface));
            }

            used.AddRange(FromAttributes(reader, provider, type.GetCustomAttributes()));
            foreach (var f in type.GetFields())
            {
                var field = reader.GetFieldDefinition(f);
                used.AddRange(field.DecodeSignature(provider, null));
                used.AddRange(FromAttributes(reader, provider, field.GetCustomAttributes()));
            }

            foreach (var p in type.GetProperties())
            {
                var property = reader.GetPropertyDefinition(p);
                used.AddRange(property.DecodeSignature(provider, null).ReturnType);
                used.AddRange(FromAttributes(reader, provider, property.GetCustomAttributes()));
            }

            foreach (var e in type.GetEvents())
            {
                used.AddRange(FromTypeHandle(reader, provider, reader.GetEventDefinition(e).Type));
            }

            foreach (var m in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(m);
                var signature = method.DecodeSignature(provider, null);
                used.AddRange(signature.ReturnType);
                used.AddRange(signature.ParameterTypes.SelectMany(t => t));
                used.AddRange(FromAttributes(reader, provider, method.GetCustomAttributes()));
                foreach (var parameter in method.GetParameters())
                {
                    used.AddRange(FromAttributes(reader, provider, reader.GetParameter(parameter).GetCustomAttributes()));
                }

                if (method.RelativeVirtualAddress != 0)
                {
                    used.AddRange(FromBody(reader, provider, pe.GetMethodBody(method.RelativeVirtualAddress)));
                }
            }

            foreach (var target in used.Where(t => !t.IsNil))
            {

                pairs.Add((user, OutermostName(reader, target)));
            }
        }

        return pairs;
    }

    private static IEnumerable<TypeDefinitionHandle> FromBody(MetadataReader reader, OwnTypes provider, MethodBodyBlock body)
    {
        if (!body.LocalSignature.IsNil)
        {
            foreach (var local in reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null))
            {
                foreach (var t in local)
                {
                    yield return t;
                }
            }
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            switch (OperandTypes[value])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    il.ReadByte();
                    break;
                case OperandType.InlineVar:
                    il.ReadInt16();
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    il.ReadInt64();
                    break;
                case OperandType.InlineSwitch:
                    var count = il.ReadInt32();
                    il.Offset += count * 4;
                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    foreach (var t in FromToken(reader, provider, MetadataTokens.EntityHandle(il.ReadInt32())))
                    {
                        yield return t;
                    }

                    break;
                default:
                    il.ReadInt32();
                    break;
            }
        }
    }

    private static IEnumerable<TypeDefinitionHandle> FromToken(MetadataReader reader, OwnTypes provider, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                return [reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()];
            case HandleKind.FieldDefinition:
                return [reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()];
            case HandleKind.MemberReference:
                return FromToken(reader, provider, reader.GetMemberReference((MemberReferenceHandle)handle).Parent);
            case HandleKind.MethodSpecification:
                var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                return FromToken(reader, provider, spec.Method).Concat(spec.DecodeSignature(provider, null).SelectMany(t => t));
            default:
                return FromTypeHandle(reader, provider, handle);
        }
    }

    private static ImmutableArray<TypeDefinitionHandle> FromTypeHandle(MetadataReader reader, OwnTypes provider, EntityHandle handle) =>
        handle.Kind switch
        {
            HandleKind.TypeDefinition => [(TypeDefinitionHandle)handle],
            HandleKind.TypeSpecification => reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null),
            _ => [],
        };

    private static IEnumerable<TypeDefinitionHandle> FromAttributes(MetadataReader reader, OwnTypes provider, CustomAttributeHandleCollection attributes) =>
        attributes.SelectMany(a => FromToken(reader, provider, reader.GetCustomAttribute(a).Constructor));

    private static string OutermostName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        while (type.IsNested)
        {
            handle = type.GetDeclaringType();
            type = reader.GetTypeDefinition(handle);
        }

        var name = reader.GetString(type.Name);
        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }

    /// <summary>Decodes signatures to the assembly's own types they mention (types of other assemblies add nothing).</summary>
    private sealed class OwnTypes(MetadataReader reader) : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        private static readonly ImmutableArray<TypeDefinitionHandle> None = [];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => None;

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;

        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments) =>
            genericType.AddRange(typeArguments.SelectMany(t => t));

        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? genericContext, int index) => None;

        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? genericContext, int index) => None;

        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier, ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) => unmodifiedType;

        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) =>
            signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(t => t));
    }
}
