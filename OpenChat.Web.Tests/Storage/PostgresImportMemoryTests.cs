using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenChat.Web.Chats;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenChat.Web.Tests.Storage;

/// <summary>A big import on Postgres must not fill the outage view's memory (issue 12, item 2).</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class PostgresImportMemoryTests(PostgresChatApp app, ITestOutputHelper output) : IClassFixture<PostgresChatApp>
{
    [Fact]
    public async Task A_20000_message_import_leaves_at_most_one_page_of_it_in_memory()
    {
        using var guest = new GuestSession(app.Host);
        var start = DateTimeOffset.UtcNow.AddDays(-3);
        var turns = Enumerable.Range(0, 20_000).Select(i => new ExportDocument.Turn(i % 2 == 0 ? "user" : "assistant", $"Message number {i} of a long history.", start.AddSeconds(i)));
        var json = ExportDocument.Of("Twenty thousand", "openai/gpt-4o-mini", turns);
        var recent = app.Host.Services.GetRequiredService<RecentChats>();

        var clock = Stopwatch.StartNew();
        var chatId = await guest.ImportChatAsync(json);
        clock.Stop();
        var thread = recent.Thread(chatId);
        output.WriteLine($"import of 20,000 messages: {clock.ElapsedMilliseconds} ms; remembered thread: {thread.Count} messages; " +
                         $"RSS {Process.GetCurrentProcess().WorkingSet64 / (1024 * 1024)} MB (test process, shared)");

        Assert.InRange(thread.Count, 0, ChatLimits.PageSize + 1);
        var page = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Contains("Message number 19999 of a long history.", page.QuerySelector("#thread")!.TextContent, StringComparison.Ordinal);
    }
}
