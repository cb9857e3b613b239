using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage.Files;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// What the spool holds, as records: each owner's chats (with their messages and attachments), preferences, key
/// and ledger entries, and the chats deleted during the outage. Read through the file store's own repositories,
/// so the replay does not know the folder layout.
/// </summary>
public sealed class SpoolReader(Spool spool)
{
    private readonly FileAttachmentStore _attachments = new(spool.Store);

    public IEnumerable<string> Owners() => spool.Store.OwnerIds();

    public async IAsyncEnumerable<SpooledChat> ChatsAsync(string ownerId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var chat in await spool.Chats.ListChatsAsync(ownerId, null, int.MaxValue, cancellationToken))
        {
            var messages = await spool.Chats.ListMessagesAsync(ownerId, chat.Id, null, int.MaxValue, cancellationToken);
            var attachments = new List<StoredAttachment>();
            foreach (var attachment in await _attachments.ListAsync(ownerId, chat.Id, messages.Select(m => m.Id).ToList(), cancellationToken))
            {
                if (await _attachments.FindAsync(ownerId, chat.Id, attachment.Id, cancellationToken) is { } stored)
                {
                    attachments.Add(stored);
                }
            }

            yield return new SpooledChat(chat, messages, attachments);
        }
    }

    public Task<Preferences?> PreferencesAsync(string ownerId, CancellationToken cancellationToken) => spool.Preferences.FindAsync(ownerId, cancellationToken);

    public Task<Accounts.SessionStamp?> SessionStampAsync(string ownerId, CancellationToken cancellationToken) => spool.SessionStamps.FindAsync(ownerId, cancellationToken);

    public Task<StoredKey?> KeyAsync(string ownerId, CancellationToken cancellationToken) => spool.Keys.FindAsync(ownerId, cancellationToken);

    public Task<IReadOnlyList<LedgerEntry>> LedgerAsync(string ownerId, CancellationToken cancellationToken) => spool.Ledger.EntriesAsync(ownerId, cancellationToken);

    public IEnumerable<(string OwnerId, Guid ChatId)> Tombstones() => spool.Tombstones();
}
