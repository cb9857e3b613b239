using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Search;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Tests.Storage;

/// <summary>What every <see cref="IChatSearch"/> must do (<see cref="FileChatSearchTests"/>, <see cref="PostgresChatSearchTests"/>).</summary>
public abstract class ChatSearchContract
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero).AddTicks(4560);

    protected abstract IChatRepository Repository { get; }

    protected abstract IChatSearch Search { get; }

    private static string NewOwner() => "guest_" + Guid.NewGuid().ToString("N");

    private async Task<(Chat Chat, List<ChatMessage> Messages)> SeedAsync(string owner, string title, params string[] texts)
    {
        var chat = new Chat(Guid.CreateVersion7(T0), owner, title, false, "openai/gpt-4o-mini", T0, T0, T0);
        await Repository.CreateChatAsync(chat, default);
        var messages = new List<ChatMessage>();
        for (var i = 0; i < texts.Length; i++)
        {
            var at = T0.AddSeconds(i + 1);
            var message = new ChatMessage(Guid.CreateVersion7(at), chat.Id, i % 2 == 0 ? MessageRole.User : MessageRole.Assistant, texts[i], MessageStatus.Complete, null, null, null, at, at);
            await Repository.AddMessageAsync(owner, message, default);
            messages.Add(message);
        }

        return (chat, messages);
    }

    private Task<IReadOnlyList<SearchHit>> FindAsync(string owner, string text) =>
        Search.SearchAsync(owner, SearchQuery.Parse(text)!, 30, default);

    [Fact]
    public async Task Finds_a_word_in_a_message_with_the_message_id_and_a_marked_snippet()
    {
        var owner = NewOwner();
        var (chat, messages) = await SeedAsync(owner, "Holiday plans", "Where should we go?", "Lisbon has wonderful pastries and trams.", "Tell me more");

        var hits = await FindAsync(owner, "pastries");

        var hit = Assert.Single(hits);
        Assert.Equal(chat.Id, hit.ChatId);
        Assert.Equal(messages[1].Id, hit.MessageId);
        Assert.Equal("Holiday plans", hit.ChatTitle);
        Assert.Contains("<mark>pastries</mark>", SearchMarkup.Marked(hit.Snippet), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finds_a_title_once_without_a_message()
    {
        var owner = NewOwner();
        var (chat, _) = await SeedAsync(owner, "Quarterly budget review", "numbers please");

        var hits = await FindAsync(owner, "budget");

        var hit = Assert.Single(hits);
        Assert.Equal(chat.Id, hit.ChatId);
        Assert.Null(hit.MessageId);
        Assert.Equal("Quarterly <mark>budget</mark> review", SearchMarkup.Marked(hit.Snippet));
    }

    [Fact]
    public async Task The_last_word_matches_as_a_prefix_and_every_word_must_match()
    {
        var owner = NewOwner();
        await SeedAsync(owner, "Chat", "The quick brown fox", "A quick reply", "Brownies recipe");

        Assert.Equal(2, (await FindAsync(owner, "brow")).Count);
        Assert.Single(await FindAsync(owner, "quick brow"));
        Assert.Empty(await FindAsync(owner, "quic brown"));
        Assert.Equal(2, (await FindAsync(owner, "QUICK")).Count);
    }

    [Fact]
    public async Task Another_owner_finds_nothing_and_cannot_locate_the_message()
    {
        var owner = NewOwner();
        var (chat, messages) = await SeedAsync(owner, "Secret project", "The codename is zanzibar");

        Assert.Empty(await FindAsync(NewOwner(), "zanzibar"));
        Assert.Empty(await FindAsync(NewOwner(), "secret"));
        Assert.Null(await Search.LocateMessageAsync(NewOwner(), chat.Id, messages[0].Id, default));
        Assert.Equal(new MessageCursor(messages[0].CreatedAt, messages[0].Id), await Search.LocateMessageAsync(owner, chat.Id, messages[0].Id, default));
    }

    [Fact]
    public async Task Snippets_are_escaped_and_stored_text_cannot_mark_anything()
    {
        var owner = NewOwner();
        await SeedAsync(owner, "Chat", "<script>alert(1)</script> \u0002fake\u0003 then the needle & <b>bold</b>");

        var hit = Assert.Single(await FindAsync(owner, "needle"));
        var html = SearchMarkup.Marked(hit.Snippet);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("<mark>needle</mark>", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("<mark>").Length - 1);
    }

    [Fact]
    public async Task Newest_matches_come_first()
    {
        var owner = NewOwner();
        var (_, messages) = await SeedAsync(owner, "Chat", "apple one", "apple two", "apple three");

        var hits = await FindAsync(owner, "apple");

        Assert.Equal(messages.Select(m => (Guid?)m.Id).Reverse(), hits.Select(h => h.MessageId));
    }
}
