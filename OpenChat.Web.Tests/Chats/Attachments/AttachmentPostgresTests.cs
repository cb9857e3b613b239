using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats.Attachments;

/// <summary><see cref="AttachmentFixture"/> on its own Postgres database.</summary>
public sealed class PostgresAttachmentFixture : AttachmentFixture
{
    private readonly PostgresDatabase _database = new();

    protected override string? ConnectionString => _database.ConnectionString;

    public override async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await base.InitializeAsync();
    }
}

/// <summary>Attachments kept in Postgres (<c>bytea</c>, sql/004): stored whole, served to their owner only, deleted with their chat.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class AttachmentPostgresTests(PostgresAttachmentFixture fixture) : IClassFixture<PostgresAttachmentFixture>
{
    [Fact]
    public async Task Files_are_stored_with_the_message_served_to_their_owner_and_deleted_with_the_chat()
    {
        using var owner = new GuestSession(fixture.Host);
        using var stranger = new GuestSession(fixture.Host);
        await stranger.StartChatAsync("Stranger's own chat");

        using var sent = await owner.PostFilesAsync("/chat", "Two files", ("blue.png", AttachmentSamples.Png), ("notes.md", AttachmentSamples.Markdown));

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var chatId = Guid.Parse(sent.Headers.GetValues("HX-Location").Single()["/chat/".Length..]);
        await ChatPagesTests.WaitUntilIdleAsync(owner, chatId);
        var page = await owner.GetDocumentAsync($"/chat/{chatId:D}");
        var image = page.QuerySelector("article[data-role='user'] .attachments img")!.GetAttribute("src")!;
        var chip = page.QuerySelector("article[data-role='user'] .attachments a.chip")!;
        Assert.Contains("notes.md", chip.TextContent, StringComparison.Ordinal);
        using (var download = await owner.GetAsync(chip.GetAttribute("href")!))
        {
            Assert.Equal(AttachmentSamples.Markdown, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal("text/markdown", download.Content.Headers.ContentType!.MediaType);
        }

        using (var download = await owner.GetAsync(image))
        {
            Assert.Equal(AttachmentSamples.Png, await download.Content.ReadAsByteArrayAsync());
        }

        using (var foreign = await stranger.GetAsync(image))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        Assert.Equal(2, await CountAsync(chatId));
        using (var deleted = await owner.PostAsync($"/chat/{chatId:D}/delete", currentUrl: $"/chat/{chatId:D}"))
        {
            Assert.True(deleted.IsSuccessStatusCode || deleted.StatusCode == HttpStatusCode.Redirect);
        }

        Assert.Equal(0, await CountAsync(chatId));
        using (var gone = await owner.GetAsync(image))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
    }

    private async Task<long> CountAsync(Guid chatId)
    {
        var connectionString = fixture.Host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpenChat.Web.Hosting.StorageOptions>>().Value.PostgresConnectionString!;
        await using var connection = new NpgsqlConnection(OpenChat.Web.Storage.PostgresConnectionString.Normalize(connectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from attachments where chat_id = @id", connection);
        command.Parameters.AddWithValue("id", chatId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
