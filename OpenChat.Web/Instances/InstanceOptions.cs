namespace OpenChat.Web.Instances;

/// <summary><c>Instances:*</c> settings: how instances sharing one Postgres database notice each other's death.</summary>
public sealed class InstanceOptions
{
    public const string Section = "Instances";

    /// <summary>How often this instance records that it is alive (and looks for replies of dead instances).</summary>
    public double HeartbeatIntervalSeconds { get; set; } = 10;

    /// <summary>A reply whose instance has not beaten for this long is marked interrupted by any live instance.</summary>
    public double HeartbeatTimeoutSeconds { get; set; } = 30;

    public TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(HeartbeatIntervalSeconds);

    public TimeSpan HeartbeatTimeout => TimeSpan.FromSeconds(HeartbeatTimeoutSeconds);
}
