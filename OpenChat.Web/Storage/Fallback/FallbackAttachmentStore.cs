using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// Attachments in Postgres, and in the spool while Postgres is down (replayed with their chat). During an
/// outage only files sent during the outage can be read: older ones are in Postgres and come back with it.
/// </summary>
public sealed class FallbackAttachmentStore(PostgresAttachmentStore postgres, Spool spool, PostgresBreaker breaker, FallbackTelemetry telemetry) : IAttachmentStore
{
    private readonly Failover<IAttachmentStore> _failover = new(postgres, new FileAttachmentStore(spool.Store), breaker);

    public Task<bool> AddAsync(string ownerId, IReadOnlyList<StoredAttachment> attachments, CancellationToken cancellationToken) =>
        _failover.RunAsync(
            async store =>
            {
                var added = await store.AddAsync(ownerId, attachments, cancellationToken);
                if (breaker.IsOpen)
                {
                    await telemetry.UsedAsync("attach", attachments.Count > 0 ? attachments[0].Attachment.ChatId : null);
                }

                return added;
            },
            cancellationToken);

    public Task<IReadOnlyList<ChatAttachment>> ListAsync(string ownerId, Guid chatId, IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken) =>
        _failover.RunAsync(s => s.ListAsync(ownerId, chatId, messageIds, cancellationToken), cancellationToken);

    public Task<StoredAttachment?> FindAsync(string ownerId, Guid chatId, Guid attachmentId, CancellationToken cancellationToken) =>
        _failover.RunAsync(s => s.FindAsync(ownerId, chatId, attachmentId, cancellationToken), cancellationToken);
}
