namespace OpenChat.Web.Instances;

/// <summary>A reply marked interrupted because the instance writing it stopped beating.</summary>
public sealed record StaleReply(string OwnerId, Guid ChatId, Guid ReplyId);
