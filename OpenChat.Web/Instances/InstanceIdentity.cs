namespace OpenChat.Web.Instances;

/// <summary>This process among the instances sharing a database: a fresh id per start.</summary>
public sealed class InstanceIdentity
{
    public Guid Id { get; } = Guid.CreateVersion7();
}
