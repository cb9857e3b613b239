namespace OpenChat.Web.Chats;

/// <summary>Token counts and cost of a reply, from OpenRouter's final usage chunk.</summary>
public sealed record MessageUsage(int? PromptTokens, int? CompletionTokens, decimal? CostUsd);
