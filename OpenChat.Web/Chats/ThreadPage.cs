namespace OpenChat.Web.Chats;

/// <summary>Messages of one page of a thread, whether older ones exist, and the reply running right now (if any).</summary>
public sealed record ThreadPage(IReadOnlyList<ChatMessage> Messages, bool HasOlder, IRunningReply? RunningReply);
