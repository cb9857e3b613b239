using OpenChat.Web.Chats;

namespace OpenChat.Web.Conversations;

/// <summary>
/// <c>Quotas:*</c>: what one owner (member or guest) may keep, checked before an import writes anything.
/// Sending is bounded by the send rate limit instead.
/// </summary>
public sealed class ChatQuotas
{
    public const string Section = "Quotas";

    public int Chats { get; set; } = 2_000;

    public long Messages { get; set; } = 50_000;

    /// <summary>Bytes of message text (UTF-8); on the file store, the size of the message files.</summary>
    public long TextBytes { get; set; } = 100L * 1024 * 1024;

    /// <returns>A sentence saying which quota the addition would pass, or null when it fits.</returns>
    public string? Refusal(OwnerFootprint now, OwnerFootprint adding)
    {
        if (now.Chats + adding.Chats > Chats)
        {
            return $"You can keep at most {Chats:N0} chats; you have {now.Chats:N0} and the file adds {adding.Chats:N0}. Delete some chats or import fewer.";
        }

        if (now.Messages + adding.Messages > Messages)
        {
            return $"You can keep at most {Messages:N0} messages; you have {now.Messages:N0} and the file adds {adding.Messages:N0}. Delete some chats or import fewer.";
        }

        if (now.TextBytes + adding.TextBytes > TextBytes)
        {
            return $"You can keep at most {TextBytes:N0} bytes of messages; you have {now.TextBytes:N0} and the file adds {adding.TextBytes:N0}. Delete some chats or import fewer.";
        }

        return null;
    }
}
