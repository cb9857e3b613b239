using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Unit)]
public sealed class FileChatRepositoryTests : ChatRepositoryContract, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("openchat-files-");

    public FileChatRepositoryTests()
    {
        Store = new FileStore(Options.Create(new StorageOptions { DataPath = _folder.FullName }));
        Repository = new FileChatRepository(Store);
    }

    protected override IChatRepository Repository { get; }

    private FileStore Store { get; }

    [Fact]
    public async Task Files_are_readable_json_and_no_temporary_files_are_left_behind()
    {
        var owner = "guest_" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow.ToStoragePrecision();
        var chat = new Chat(Guid.CreateVersion7(), owner, "Readable", false, null, now, now, now);
        await Repository.CreateChatAsync(chat, default);
        await Repository.RenameChatAsync(owner, chat.Id, "Renamed", true, now, default);

        var files = Directory.GetFiles(_folder.FullName, "*", SearchOption.AllDirectories);
        var chatFile = Assert.Single(files, f => f.EndsWith("chat.json", StringComparison.Ordinal));
        Assert.Contains("\"title\": \"Renamed\"", await File.ReadAllTextAsync(chatFile));
        Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("guest_..")]
    public async Task Owner_ids_that_could_leave_the_data_folder_are_refused(string owner)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Repository.FindChatAsync(owner, Guid.NewGuid(), default));
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
