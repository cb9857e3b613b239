using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenChat.Web.Instances;

/// <summary>
/// One event passed between instances through Postgres <c>NOTIFY</c>: small (ids and short text deltas, never
/// whole pages), scoped to an owner, and stamped with the sending instance so it can ignore its own.
/// </summary>
public sealed record LiveNotice(
    [property: JsonPropertyName("k")] string Kind,
    [property: JsonPropertyName("i")] Guid Instance,
    [property: JsonPropertyName("o")] string Owner,
    [property: JsonPropertyName("c")] Guid? Chat = null,
    [property: JsonPropertyName("m")] Guid? Message = null,
    [property: JsonPropertyName("n")] int Offset = 0,
    [property: JsonPropertyName("t")] string? Text = null)
{
    public const string Channel = "openchat_live";

    /// <summary>Postgres refuses payloads of 8000 bytes or more; stay clear of it.</summary>
    public const int MaxPayloadBytes = 7900;

    /// <summary>The owner's chat list changed; <see cref="Chat"/> = a renamed chat, if any.</summary>
    public const string Sidebar = "sidebar";

    /// <summary>A chat (<see cref="Chat"/>) was deleted.</summary>
    public const string Deleted = "deleted";

    /// <summary>A reply (<see cref="Message"/>) started in <see cref="Chat"/>.</summary>
    public const string Start = "start";

    /// <summary><see cref="Text"/> was appended to the reply at <see cref="Offset"/> characters.</summary>
    public const string Delta = "delta";

    /// <summary>The reply's final state is stored.</summary>
    public const string End = "end";

    /// <summary>Stop the reply (asked on another instance than the one writing it).</summary>
    public const string Stop = "stop";

    private static readonly JsonSerializerOptions Json = new()
    {
        // Text stays as UTF-8 rather than \uXXXX escapes: more text fits in a notification.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    public string ToPayload() => JsonSerializer.Serialize(this, Json);

    public static LiveNotice? Parse(string payload)
    {
        try
        {
            var notice = JsonSerializer.Deserialize<LiveNotice>(payload, Json);
            return notice is { Kind: not null, Owner: not null } ? notice : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The payloads of a delta, split so each fits in one notification (never inside a surrogate pair).</summary>
    public static IEnumerable<string> DeltaPayloads(Guid instance, string owner, Guid chat, Guid reply, int offset, string text)
    {
        var payload = new LiveNotice(Delta, instance, owner, chat, reply, offset, text).ToPayload();
        if (System.Text.Encoding.UTF8.GetByteCount(payload) <= MaxPayloadBytes || text.Length < 2)
        {
            yield return payload;
            yield break;
        }

        var half = text.Length / 2;
        if (char.IsHighSurrogate(text[half - 1]))
        {
            half--;
        }

        foreach (var part in DeltaPayloads(instance, owner, chat, reply, offset, text[..half]))
        {
            yield return part;
        }

        foreach (var part in DeltaPayloads(instance, owner, chat, reply, offset + half, text[half..]))
        {
            yield return part;
        }
    }
}
