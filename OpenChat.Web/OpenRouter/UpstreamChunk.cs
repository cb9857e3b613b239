using OpenChat.Web.Chats;

namespace OpenChat.Web.OpenRouter;

/// <summary>One piece of a streamed reply: text, or the final usage (tokens and cost).</summary>
public readonly record struct UpstreamChunk(string? Text, MessageUsage? Usage);
