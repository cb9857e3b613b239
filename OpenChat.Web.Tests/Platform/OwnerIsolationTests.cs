using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// Every route that takes a chat, message or attachment id answers 404 to another owner and changes nothing.
/// The routes are listed here; a new route with such an id and no case here fails
/// <see cref="Every_route_with_an_owned_id_has_an_isolation_case"/>.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class OwnerIsolationTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    // The owner's real attachment (set before the cases run; the tests of a class run one at a time).
    private static Guid s_ownedAttachmentId;

    private static readonly (string Template, string Method, Func<Guid, Guid, string> Path, Dictionary<string, string> Form)[] Cases =
    [
        ("chat/{id:guid}", "GET", (c, _) => $"/chat/{c:D}", []),
        ("chat/{id:guid}", "GET", (c, m) => $"/chat/{c:D}?around={m:D}", []),
        ("chat/{id:guid}/export.{format}", "GET", (c, _) => $"/chat/{c:D}/export.md", []),
        ("chat/{id:guid}/export.{format}", "GET", (c, _) => $"/chat/{c:D}/export.json", []),
        ("chat/{id:guid}", "POST", (c, _) => $"/chat/{c:D}", new() { ["text"] = "injected" }),
        ("chat/{id:guid}/messages", "GET", (c, _) => $"/chat/{c:D}/messages?before=1_{Guid.Empty:N}", []),
        ("chat/{id:guid}/rename", "GET", (c, _) => $"/chat/{c:D}/rename", []),
        ("chat/{id:guid}/rename", "POST", (c, _) => $"/chat/{c:D}/rename", new() { ["title"] = "hijacked" }),
        ("chat/{id:guid}/delete", "GET", (c, _) => $"/chat/{c:D}/delete", []),
        ("chat/{id:guid}/messages/{messageId:guid}/{verb:regex(^(stop|retry|regenerate)$)}", "POST", (c, m) => $"/chat/{c:D}/messages/{m:D}/retry", []),
        ("chat/{id:guid}/messages/{messageId:guid}/{verb:regex(^(stop|retry|regenerate)$)}", "POST", (c, m) => $"/chat/{c:D}/messages/{m:D}/regenerate", []),
        ("chat/{id:guid}/messages/{messageId:guid}/{verb:regex(^(stop|retry|regenerate)$)}", "POST", (c, m) => $"/chat/{c:D}/messages/{m:D}/stop", []),
        ("chat/{id:guid}/delete", "POST", (c, _) => $"/chat/{c:D}/delete", []),
        ("chat/{id:guid}/attachments/{attachmentId:guid}", "GET", (c, _) => $"/chat/{c:D}/attachments/{s_ownedAttachmentId:D}", []),
    ];

    [Fact]
    public void Every_route_with_an_owned_id_has_an_isolation_case()
    {
        var sources = fixture.Host.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        var templates = sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText?.TrimStart('/') ?? string.Empty)
            .Where(t => t.Contains("{id", StringComparison.OrdinalIgnoreCase) || t.Contains("messageId", StringComparison.OrdinalIgnoreCase) || t.Contains("attachment", StringComparison.OrdinalIgnoreCase))
            .ToHashSet();

        Assert.Equal(templates.Order(), Cases.Select(c => c.Template).ToHashSet().Order());
    }

    [Fact]
    public async Task Another_owners_ids_answer_404_and_change_nothing()
    {
        using var owner = new GuestSession(fixture.Host);
        using var stranger = new GuestSession(fixture.Host);
        using var started = await owner.PostFilesAsync("/chat", "Private plans", ("plan.png", Chats.Attachments.AttachmentSamples.Png));
        var chatId = Guid.Parse(started.Headers.GetValues("HX-Location").Single()["/chat/".Length..]);
        var replyId = await ChatPagesTests.WaitUntilIdleAsync(owner, chatId);
        var attachmentUrl = (await owner.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("#thread .attachments img")!.GetAttribute("src")!;
        s_ownedAttachmentId = Guid.Parse(attachmentUrl[(attachmentUrl.LastIndexOf('/') + 1)..]);
        using (var own = await owner.GetAsync(attachmentUrl))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }

        await stranger.StartChatAsync("Stranger's own chat");
        var before = await Snapshot(owner, chatId);

        foreach (var (template, method, path, form) in Cases)
        {
            using var response = method == "GET" ? await stranger.GetAsync(path(chatId, replyId)) : await stranger.PostAsync(path(chatId, replyId), form);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {template} answered {(int)response.StatusCode}");
        }

        Assert.Equal(before, await Snapshot(owner, chatId));
    }

    private static async Task<string> Snapshot(GuestSession owner, Guid chatId)
    {
        var page = await owner.GetDocumentAsync($"/chat/{chatId:D}");
        return page.QuerySelector("#thread-title")!.TextContent + "|" + page.QuerySelector("#thread")!.TextContent;
    }
}
