namespace OpenChat.Web.Generation;

/// <summary><c>Generation:*</c> settings: how replies are written and stored while they stream.</summary>
public sealed class GenerationOptions
{
    public const string Section = "Generation";

    /// <summary>A running reply is written to storage at most this often (its text survives a crash up to here).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many earlier messages are sent upstream as the conversation.</summary>
    public int HistoryMessages { get; set; } = 40;
}
