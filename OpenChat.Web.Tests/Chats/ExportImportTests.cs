using System.Net;
using System.Text.Json;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

/// <summary>One chat out as Markdown and JSON, and a JSON export back in, on the file store.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class ExportImportTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    private async Task<Guid> ChatWithTwoTurnsAsync(GuestSession guest)
    {
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("A **bold** <answer> & more.") with { PromptTokens = 10, CompletionTokens = 5, Cost = 0.0001m });
        var chatId = await guest.StartChatAsync("Question <one> & \"quotes\"");
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        fixture.OpenRouter.EnqueueReply(FakeReply.Text("Second answer,\n\n- with\n- a list"));
        using var _ = await guest.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "Question two\nwith two lines" });
        await ChatPagesTests.WaitUntilIdleAsync(guest, chatId);
        return chatId;
    }

    private static async Task<JsonElement> ExportJsonAsync(GuestSession guest, Guid chatId)
    {
        using var response = await guest.GetAsync($"/chat/{chatId:D}/export.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static object Comparable(JsonElement export)
    {
        var chat = Assert.Single(export.GetProperty("chats").EnumerateArray());
        return new
        {
            Title = chat.GetProperty("title").GetString(),
            Model = chat.GetProperty("model").GetString(),
            Messages = string.Join("\n---\n", chat.GetProperty("messages").EnumerateArray().Select(m => string.Join("|",
                m.GetProperty("role").GetString(), m.GetProperty("status").GetString(), m.GetProperty("content").GetString(),
                m.GetProperty("model").ToString(), m.TryGetProperty("usage", out var u) ? u.ToString() : "-"))),
        };
    }

    [Fact]
    public async Task A_json_export_imported_back_is_the_same_chat()
    {
        using var guest = new GuestSession(fixture.Host);
        var chatId = await ChatWithTwoTurnsAsync(guest);
        var original = await ExportJsonAsync(guest, chatId);

        var importedId = await guest.ImportChatAsync(original.GetRawText());
        var imported = await ExportJsonAsync(guest, importedId);

        Assert.NotEqual(chatId, importedId);
        Assert.Equal(Comparable(original), Comparable(imported));
        Assert.Equal(4, imported.GetProperty("chats")[0].GetProperty("messages").GetArrayLength());
        var page = await guest.GetDocumentAsync($"/chat/{importedId:D}");
        Assert.Equal("Question <one> & \"quotes\"", page.QuerySelector("#thread-title")!.TextContent);
    }

    [Fact]
    public async Task The_markdown_export_has_a_heading_per_turn_and_the_usage()
    {
        using var guest = new GuestSession(fixture.Host);
        var chatId = await ChatWithTwoTurnsAsync(guest);

        using var response = await guest.GetAsync($"/chat/{chatId:D}/export.md");
        var markdown = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment; filename=\"openchat-question-one-quotes.md\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.StartsWith("# Question <one> & \"quotes\"\n", markdown, StringComparison.Ordinal);
        Assert.Contains("## You\n\nQuestion two\nwith two lines\n", markdown, StringComparison.Ordinal);
        Assert.Contains("## Assistant (openai/gpt-4o-mini)\n\nA **bold** <answer> & more.\n\n*10 in · 5 out · $0.0001*", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("{\"format\":\"something.else\",\"version\":1,\"chats\":[]}", "not an OpenChat export")]
    [InlineData("{\"format\":\"openchat.export\",\"version\":9,\"chats\":[]}", "version")]
    [InlineData("{\"format\":\"openchat.export\",\"version\":1,\"chats\":[]}", "no chats")]
    [InlineData("{\"format\":\"openchat.export\",\"version\":1,\"chats\":[{\"title\":\"\",\"messages\":[]}]}", "title")]
    [InlineData("{\"format\":\"openchat.export\",\"version\":1,\"chats\":[{\"title\":\"ok\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}]}", "unknown role")]
    [InlineData("{\"format\":\"openchat.export\",\"version\":1,\"chats\":[{\"title\":\"ok\",\"messages\":[{\"role\":\"user\"}]}]}", "no \"content\"")]
    public async Task A_bad_file_is_refused_with_a_reason_and_nothing_is_imported(string json, string reason)
    {
        using var guest = new GuestSession(fixture.Host);
        await ChatWithTwoTurnsAsync(guest);
        var before = (await guest.GetDocumentAsync("/settings")).QuerySelectorAll("#chat-list .chat-item").Length;

        using var response = await guest.ImportAsync(json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Contains(reason, page.QuerySelector("#data [role='alert']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(before, (await guest.GetDocumentAsync("/settings")).QuerySelectorAll("#chat-list .chat-item").Length);
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused()
    {
        using var guest = new GuestSession(fixture.Host);

        using var response = await guest.ImportAsync(new string(' ', (10 * 1024 * 1024) + 1));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 10 MB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markup_in_an_imported_file_is_shown_as_text()
    {
        using var guest = new GuestSession(fixture.Host);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var chatId = await guest.ImportChatAsync(ExportDocument.Of("<img src=x onerror=alert(1)>", "m", [
            new("user", "<script>alert(1)</script>", at),
            new("assistant", "<img src=x onerror=alert(2)> **safe**", at.AddSeconds(1)),
        ]));

        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");

        Assert.Empty(page.QuerySelectorAll("#thread script, #thread img, #thread-title img"));
        Assert.Equal("<script>alert(1)</script>", page.QuerySelector("article[data-role='user'] .msg-text")!.TextContent);
    }
}
