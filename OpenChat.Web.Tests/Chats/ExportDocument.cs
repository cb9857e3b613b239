using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenChat.Web.Tests.Chats;

/// <summary>Builds OpenChat export files (the format of <c>ChatExport</c>) for tests that need history: old days, long threads.</summary>
public static class ExportDocument
{
    public sealed record Turn(string Role, string Content, DateTimeOffset At, int? PromptTokens = null, int? CompletionTokens = null, decimal? Cost = null);

    public static string Of(string title, string? model, IEnumerable<Turn> turns)
    {
        var messages = new JsonArray();
        foreach (var turn in turns)
        {
            var message = new JsonObject
            {
                ["id"] = Guid.NewGuid(),
                ["role"] = turn.Role,
                ["status"] = "complete",
                ["content"] = turn.Content,
                ["model"] = turn.Role == "assistant" ? model : null,
                ["created_at"] = turn.At,
            };
            if (turn.PromptTokens is not null || turn.Cost is not null)
            {
                message["usage"] = new JsonObject { ["prompt_tokens"] = turn.PromptTokens, ["completion_tokens"] = turn.CompletionTokens, ["cost_usd"] = turn.Cost };
            }

            messages.Add(message);
        }

        var first = messages.Count > 0 ? messages[0]!["created_at"]!.GetValue<DateTimeOffset>() : DateTimeOffset.UtcNow;
        var document = new JsonObject
        {
            ["format"] = "openchat.export",
            ["version"] = 1,
            ["chats"] = new JsonArray(new JsonObject
            {
                ["id"] = Guid.NewGuid(),
                ["title"] = title,
                ["model"] = model,
                ["created_at"] = first,
                ["messages"] = messages,
            }),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
