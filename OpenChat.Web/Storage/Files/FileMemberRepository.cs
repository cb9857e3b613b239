using System.Security.Cryptography;
using System.Text;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// Members as <c>members/{id}.json</c>, with <c>members/by-email/{sha256 of the normalised email}</c> as a
/// unique index (created exclusively, so two sign-ups with one email cannot both win).
/// </summary>
public sealed class FileMemberRepository(FileStore store) : IMemberRepository, IDisposable
{
    // Its own gate: a transfer takes each chat's lock too, and the store's striped locks are not reentrant.
    private readonly SemaphoreSlim _transferGate = new(1, 1);

    private string MembersFolder => Path.Combine(store.Root, "members");

    public async Task<bool> CreateAsync(Member member, CancellationToken cancellationToken)
    {
        var index = EmailIndexPath(member.Email);
        OwnerOnly.CreateFolder(Path.GetDirectoryName(index)!);
        try
        {
            await using var stream = OwnerOnly.Open(index, FileMode.CreateNew, FileAccess.Write);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(member.Id.ToString("D")), cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(index))
        {
            return false;
        }

        await FileStore.WriteAtomicAsync(MemberPath(member.Id), member, cancellationToken);
        return true;
    }

    public Task<Member?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        FileStore.ReadAsync<Member>(MemberPath(id), cancellationToken);

    public async Task<Member?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var index = EmailIndexPath(email);
        if (!File.Exists(index))
        {
            return null;
        }

        var id = await File.ReadAllTextAsync(index, cancellationToken);
        return Guid.TryParse(id, out var memberId) ? await FindAsync(memberId, cancellationToken) : null;
    }

    public async Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(id, cancellationToken);
        var member = await FindAsync(id, cancellationToken);
        if (member is null)
        {
            return false;
        }

        await FileStore.WriteAtomicAsync(MemberPath(id), member with { DisplayName = displayName, UpdatedAt = at }, cancellationToken);
        return true;
    }

    /// <summary>Claims the new email's index entry exclusively first, so two members can never end up with one email.</summary>
    public async Task<bool> UpdateEmailAsync(Guid id, string email, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(id, cancellationToken);
        var member = await FindAsync(id, cancellationToken);
        if (member is null)
        {
            return false;
        }

        var sameEmail = Member.NormalizeEmail(member.Email) == Member.NormalizeEmail(email);
        if (!sameEmail)
        {
            var index = EmailIndexPath(email);
            try
            {
                await using var stream = new FileStream(index, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(id.ToString("D")), cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(index))
            {
                return false;
            }
        }

        await FileStore.WriteAtomicAsync(MemberPath(id), member with { Email = email, UpdatedAt = at }, cancellationToken);
        if (!sameEmail)
        {
            File.Delete(EmailIndexPath(member.Email));
        }

        return true;
    }

    public async Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var _ = await store.LockAsync(id, cancellationToken);
        var member = await FindAsync(id, cancellationToken);
        if (member is null)
        {
            return false;
        }

        await FileStore.WriteAtomicAsync(MemberPath(id), member with { PasswordHash = passwordHash, UpdatedAt = at }, cancellationToken);
        return true;
    }

    /// <summary>
    /// Moves each chat folder (an atomic rename) and rewrites its owner; then the ledger and preferences.
    /// Not one transaction, but every step is safe to repeat: a transfer cut short by a crash loses nothing and
    /// completes when it runs again.
    /// </summary>
    public async Task<int> TransferOwnershipAsync(string fromOwnerId, string toOwnerId, CancellationToken cancellationToken)
    {
        await _transferGate.WaitAsync(cancellationToken);
        try
        {
            return await TransferLockedAsync(fromOwnerId, toOwnerId, cancellationToken);
        }
        finally
        {
            _transferGate.Release();
        }
    }

    private async Task<int> TransferLockedAsync(string fromOwnerId, string toOwnerId, CancellationToken cancellationToken)
    {
        var from = store.OwnerFolder(fromOwnerId);
        var to = store.OwnerFolder(toOwnerId);
        if (!Directory.Exists(from))
        {
            return 0;
        }

        var moved = 0;
        var fromChats = Path.Combine(from, "chats");
        if (Directory.Exists(fromChats))
        {
            OwnerOnly.CreateFolder(Path.Combine(to, "chats"));
            foreach (var chatFolder in Directory.EnumerateDirectories(fromChats))
            {
                if (!Guid.TryParse(Path.GetFileName(chatFolder), out var chatId))
                {
                    continue;
                }

                using var chatLock = await store.LockAsync(chatId, cancellationToken);
                var target = Path.Combine(to, "chats", Path.GetFileName(chatFolder));
                Directory.Move(chatFolder, target);
                var chatPath = Path.Combine(target, "chat.json");
                var chat = await FileStore.ReadAsync<Chats.Chat>(chatPath, cancellationToken);
                if (chat is not null)
                {
                    await FileStore.WriteAtomicAsync(chatPath, chat with { OwnerId = toOwnerId }, cancellationToken);
                }

                moved++;
            }
        }

        var ledger = Path.Combine(from, FileReplyLedger.FileName);
        if (File.Exists(ledger))
        {
            OwnerOnly.CreateFolder(to);
            await OwnerOnly.AppendAllTextAsync(Path.Combine(to, FileReplyLedger.FileName), await File.ReadAllTextAsync(ledger, cancellationToken), cancellationToken);
            File.Delete(ledger);
        }

        // The guest's key never moves here: the member is asked first (MemberSessions keeps it meanwhile).
        await MoveIfMissingAsync<Preferences>(from, to, FilePreferenceRepository.FileName, p => p with { OwnerId = toOwnerId }, cancellationToken);
        Directory.Delete(from, recursive: true);
        return moved;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var member = await FindAsync(id, cancellationToken);
        if (member is null)
        {
            return false;
        }

        var owner = store.OwnerFolder(member.OwnerId);
        if (Directory.Exists(owner))
        {
            FileStore.DeleteFolderAtomic(owner);
        }

        File.Delete(MemberPath(id));
        File.Delete(EmailIndexPath(member.Email));
        return true;
    }

    private static async Task MoveIfMissingAsync<T>(string from, string to, string fileName, Func<T, T> reown, CancellationToken cancellationToken)
        where T : class
    {
        var source = Path.Combine(from, fileName);
        var target = Path.Combine(to, fileName);
        var value = await FileStore.ReadAsync<T>(source, cancellationToken);
        if (value is not null && !File.Exists(target))
        {
            await FileStore.WriteAtomicAsync(target, reown(value), cancellationToken);
        }
    }

    private string MemberPath(Guid id) => Path.Combine(MembersFolder, $"{id:D}.json");

    private string EmailIndexPath(string email) =>
        Path.Combine(MembersFolder, "by-email", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Member.NormalizeEmail(email)))));

    public void Dispose() => _transferGate.Dispose();
}
