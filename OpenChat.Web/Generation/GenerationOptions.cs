namespace OpenChat.Web.Generation;

/// <summary><c>Generation:*</c> settings: how replies are written and stored while they stream.</summary>
public sealed class GenerationOptions
{
    public const string Section = "Generation";

    /// <summary>A running reply is written to storage at most this often (its text survives a crash up to here).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many earlier messages are sent upstream as the conversation.</summary>
    public int HistoryMessages { get; set; } = 40;

    /// <summary>A comment is sent on idle live streams this often, so proxies keep them open.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Live streams one owner may hold open; a newer one closes the oldest.</summary>
    public int MaxLiveStreamsPerOwner { get; set; } = 20;

    /// <summary>Live streams one client address may hold open, whoever owns them; a newer one closes the oldest.</summary>
    public int MaxLiveStreamsPerAddress { get; set; } = 20;
}
