using System.Buffers;
using System.IO.Compression;
using System.Text.Json;

namespace OpenChat.Web.Telemetry;

/// <summary>
/// Writes PostHog's batch body <c>{"api_key": KEY, "batch": [{event, distinct_id, properties, timestamp, uuid}, ...]}</c>
/// with <see cref="Utf8JsonWriter"/> directly (no reflection). Every event gets <c>$lib</c>, <c>$lib_version</c> and
/// <c>$geoip_disable: true</c> first; string values are cut to <see cref="MaxStringLength"/> characters.
/// </summary>
internal static class PostHogBatchWriter
{
    public const string Lib = "openchat-dotnet";

    public const int MaxStringLength = 512;

    /// <summary>Names the client writes itself; same-named entries in an event's flat properties are skipped.</summary>
    private static readonly string[] Reserved = ["$lib", "$lib_version", "$geoip_disable", "$set", "$set_once", "$groups"];

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    /// <summary>The batch as gzip-compressed JSON (what goes on the wire, compressed once and resent as is on retries).</summary>
    /// <param name="scratch">A buffer for the uncompressed JSON, reused across batches by the (single) sender; null = a fresh one.</param>
    public static byte[] WriteGzip(string apiKey, IReadOnlyList<TelemetryEvent> events, string libVersion, ArrayBufferWriter<byte>? scratch = null)
    {
        var json = scratch ?? new ArrayBufferWriter<byte>(256 + (events.Count * 512));
        json.ResetWrittenCount();
        WriteJson(json, apiKey, events, libVersion);
        using var output = new MemoryStream(json.WrittenCount / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json.WrittenSpan);
        }

        return output.ToArray();
    }

    public static void WriteJson(IBufferWriter<byte> output, string apiKey, IReadOnlyList<TelemetryEvent> events, string libVersion)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("api_key"u8, apiKey);
        writer.WriteStartArray("batch"u8);
        for (var i = 0; i < events.Count; i++)
        {
            WriteEvent(writer, events[i], libVersion);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteEvent(Utf8JsonWriter writer, TelemetryEvent e, string libVersion)
    {
        writer.WriteStartObject();
        writer.WriteString("event"u8, e.Name);
        writer.WriteString("distinct_id"u8, e.DistinctId);
        writer.WriteStartObject("properties"u8);
        writer.WriteString("$lib"u8, Lib);
        writer.WriteString("$lib_version"u8, libVersion);
        writer.WriteBoolean("$geoip_disable"u8, true);
        foreach (var (name, value) in e.Properties.AsSpan())
        {
            if (!IsReserved(name))
            {
                WriteProperty(writer, name, value);
            }
        }

        WriteObject(writer, "$set", e.PersonPropertiesOrNull);
        WriteObject(writer, "$set_once", e.PersonPropertiesOnceOrNull);
        WriteObject(writer, "$groups", e.GroupsOrNull);
        writer.WriteEndObject();

        // ISO-8601 in UTC with a Z, e.g. 2026-03-01T12:34:56.789Z.
        writer.WriteString("timestamp"u8, (e.Timestamp ?? DateTimeOffset.UtcNow).UtcDateTime);
        writer.WriteString("uuid"u8, e.Uuid);
        writer.WriteEndObject();
    }

    private static void WriteObject(Utf8JsonWriter writer, string name, TelemetryProperties? properties)
    {
        if (properties is not { Count: > 0 })
        {
            return;
        }

        writer.WriteStartObject(name);
        foreach (var (key, value) in properties.AsSpan())
        {
            WriteProperty(writer, key, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, TelemetryValue value)
    {
        if (value.IsNull)
        {
            return;
        }

        writer.WritePropertyName(name);
        WriteValue(writer, value);
    }

    private static void WriteValue(Utf8JsonWriter writer, TelemetryValue value)
    {
        switch (value.Kind)
        {
            case TelemetryValueKind.Text:
                writer.WriteStringValue(Cut(value.AsString!));
                break;
            case TelemetryValueKind.Integer:
                writer.WriteNumberValue(value.AsInteger!.Value);
                break;
            case TelemetryValueKind.Number:
                writer.WriteNumberValue(value.AsNumber!.Value);
                break;
            case TelemetryValueKind.Boolean:
                writer.WriteBooleanValue(value.AsBoolean!.Value);
                break;
            case TelemetryValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.Items)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>At most <see cref="MaxStringLength"/> UTF-16 characters, never splitting a surrogate pair.</summary>
    internal static ReadOnlySpan<char> Cut(string value)
    {
        if (value.Length <= MaxStringLength)
        {
            return value;
        }

        var length = char.IsHighSurrogate(value[MaxStringLength - 1]) ? MaxStringLength - 1 : MaxStringLength;
        return value.AsSpan(0, length);
    }

    private static bool IsReserved(string name)
    {
        if (name.Length == 0 || name[0] != '$')
        {
            return false;
        }

        foreach (var reserved in Reserved)
        {
            if (string.Equals(name, reserved, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
