using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenChat.Web.Hosting;
using OpenChat.Web.Chats;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// The file store keeps an index per chat (issue 12, item 8), so a page is a slice of the index instead of a
/// listing and sort of the messages folder; chats written before the index existed still load and get one.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class FileChatIndexTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("openchat-index-");
    private readonly FileStore _store;

    public FileChatIndexTests()
    {
        _store = new FileStore(Options.Create(new StorageOptions { DataPath = _folder.FullName }));
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static ChatMessage NewMessage(Guid chatId, int i) =>
        new(Guid.CreateVersion7(T0.AddSeconds(i)), chatId, MessageRole.User, $"message {i}", MessageStatus.Complete, null, null, null, T0.AddSeconds(i), T0.AddSeconds(i));

    private string ChatFolder(string owner, Guid chatId) => Path.Combine(_folder.FullName, "owners", owner, "chats", chatId.ToString("D"));

    [Fact]
    public async Task A_chat_written_before_the_index_existed_pages_correctly_and_gets_an_index()
    {
        // The layout as earlier versions wrote it: chat.json and messages/{ticks}-{id}.json, nothing else.
        var owner = "guest_" + Guid.NewGuid().ToString("N");
        var chat = new Chat(Guid.CreateVersion7(T0), owner, "old", false, null, T0, T0, T0.AddSeconds(119));
        var folder = ChatFolder(owner, chat.Id);
        Directory.CreateDirectory(Path.Combine(folder, "messages"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "chat.json"), JsonSerializer.SerializeToUtf8Bytes(chat, FileStore.Json));
        var messages = Enumerable.Range(0, 120).Select(i => NewMessage(chat.Id, i)).ToList();
        foreach (var m in messages.AsEnumerable().Reverse())
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "messages", $"{m.CreatedAt.UtcTicks:D19}-{m.Id:N}.json"), JsonSerializer.SerializeToUtf8Bytes(m, FileStore.Json));
        }

        var repository = new FileChatRepository(_store);
        var newest = await repository.ListMessagesAsync(owner, chat.Id, null, 50, default);
        var older = await repository.ListMessagesAsync(owner, chat.Id, new MessageCursor(newest[0].CreatedAt, newest[0].Id), 50, default);
        var oldest = await repository.ListMessagesAsync(owner, chat.Id, new MessageCursor(older[0].CreatedAt, older[0].Id), 50, default);

        Assert.Equal(messages[70..], newest);
        Assert.Equal(messages[20..70], older);
        Assert.Equal(messages[..20], oldest);
        Assert.True(File.Exists(Path.Combine(folder, "messages.idx")));
    }

    [Fact]
    public async Task Messages_added_out_of_order_still_page_in_thread_order()
    {
        var owner = "guest_" + Guid.NewGuid().ToString("N");
        var chat = new Chat(Guid.CreateVersion7(T0), owner, "new", false, null, T0, T0, T0);
        var repository = new FileChatRepository(_store);
        await repository.CreateChatAsync(chat, default);
        var messages = Enumerable.Range(0, 30).Select(i => NewMessage(chat.Id, i)).ToList();
        foreach (var m in messages.Where((_, i) => i % 3 != 0).Concat(messages.Where((_, i) => i % 3 == 0)))
        {
            Assert.True(await repository.AddMessageAsync(owner, m, default));
        }

        Assert.Equal(messages[10..], await repository.ListMessagesAsync(owner, chat.Id, null, 20, default));
        Assert.Equal(messages[..10], await repository.ListMessagesAsync(owner, chat.Id, new MessageCursor(messages[10].CreatedAt, messages[10].Id), 20, default));
        Assert.True(File.Exists(Path.Combine(ChatFolder(owner, chat.Id), "messages.idx")));
    }
}
