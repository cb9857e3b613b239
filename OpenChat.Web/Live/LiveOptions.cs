namespace OpenChat.Web.Live;

/// <summary>Live stream settings (kept under <c>Generation:*</c>, where they were first documented).</summary>
public sealed class LiveOptions
{
    public const string Section = "Generation";

    /// <summary>A comment is sent on idle live streams this often, so proxies keep them open.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Live streams one owner may hold open; a newer one closes the oldest.</summary>
    public int MaxLiveStreamsPerOwner { get; set; } = 20;

    /// <summary>Live streams one client address may hold open, whoever owns them; a newer one closes the oldest.</summary>
    public int MaxLiveStreamsPerAddress { get; set; } = 20;
}
