using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;

namespace OpenChat.Web.Tests.Storage;

/// <summary>What every <see cref="IAttachmentStore"/> must do: the file store, Postgres, and the spool behind an open breaker.</summary>
public abstract class AttachmentStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    protected abstract IChatRepository Repository { get; }

    protected abstract IAttachmentStore Attachments { get; }

    private static string NewOwner() => "guest_" + Guid.NewGuid().ToString("N");

    private async Task<(Chat Chat, ChatMessage Message)> ChatWithMessageAsync(string owner)
    {
        var chat = new Chat(Guid.CreateVersion7(T0), owner, "Files", false, null, T0, T0, T0);
        await Repository.CreateChatAsync(chat, default);
        var message = new ChatMessage(Guid.CreateVersion7(T0.AddSeconds(1)), chat.Id, MessageRole.User, "see attached", MessageStatus.Complete, null, null, null, T0.AddSeconds(1), T0.AddSeconds(1));
        Assert.True(await Repository.AddMessageAsync(owner, message, default));
        return (chat, message);
    }

    private static StoredAttachment File(Chat chat, ChatMessage message, string name, byte[] content, int second) => new(
        new ChatAttachment(Guid.CreateVersion7(T0.AddSeconds(second)), chat.Id, message.Id, name, "text/plain", AttachmentKind.Text, content.Length, T0.AddSeconds(second)),
        content);

    [Fact]
    public async Task Files_read_back_byte_for_byte_in_the_order_they_were_sent()
    {
        var owner = NewOwner();
        var (chat, message) = await ChatWithMessageAsync(owner);
        var first = File(chat, message, "a.txt", [1, 2, 3, 0, 255], 2);
        var second = File(chat, message, "b — ü.txt", "plain text"u8.ToArray(), 3);

        Assert.True(await Attachments.AddAsync(owner, [first, second], default));

        Assert.Equal([first.Attachment, second.Attachment], await Attachments.ListAsync(owner, chat.Id, [message.Id], default));
        var found = await Attachments.FindAsync(owner, chat.Id, second.Attachment.Id, default);
        Assert.Equal(second.Attachment, found?.Attachment);
        Assert.Equal(second.Content, found?.Content);
        Assert.Empty(await Attachments.ListAsync(owner, chat.Id, [Guid.CreateVersion7()], default));
    }

    [Fact]
    public async Task Another_owners_chat_behaves_like_no_chat_at_all()
    {
        var owner = NewOwner();
        var stranger = NewOwner();
        var (chat, message) = await ChatWithMessageAsync(owner);
        var file = File(chat, message, "secret.txt", "mine"u8.ToArray(), 2);
        await Attachments.AddAsync(owner, [file], default);

        Assert.False(await Attachments.AddAsync(stranger, [File(chat, message, "planted.txt", "x"u8.ToArray(), 3)], default));
        Assert.Empty(await Attachments.ListAsync(stranger, chat.Id, [message.Id], default));
        Assert.Null(await Attachments.FindAsync(stranger, chat.Id, file.Attachment.Id, default));
        Assert.Equal([file.Attachment], await Attachments.ListAsync(owner, chat.Id, [message.Id], default));
    }

    [Fact]
    public async Task Deleting_the_chat_deletes_its_files()
    {
        var owner = NewOwner();
        var (chat, message) = await ChatWithMessageAsync(owner);
        var file = File(chat, message, "gone.txt", "bye"u8.ToArray(), 2);
        await Attachments.AddAsync(owner, [file], default);

        Assert.True(await Repository.DeleteChatAsync(owner, chat.Id, default));

        Assert.Null(await Attachments.FindAsync(owner, chat.Id, file.Attachment.Id, default));
        Assert.Empty(await Attachments.ListAsync(owner, chat.Id, [message.Id], default));
    }
}
