using OpenChat.Web.Chats;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// What the outage view keeps in memory on Postgres (issue 12, item 2): the newest page per chat, within a byte
/// budget however many chats and however long their messages are.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class RecentChatsTests
{
    private const long Budget = 64L * 1024 * 1024;
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string Huge = new('x', 200_000);

    private static Chat NewChat(string owner) => new(Guid.CreateVersion7(), owner, "t", false, null, T0, T0, T0);

    private static ChatMessage NewMessage(Guid chatId, int i, string content) =>
        new(Guid.CreateVersion7(), chatId, i % 2 == 0 ? MessageRole.User : MessageRole.Assistant, content, MessageStatus.Complete, null, null, null, T0.AddSeconds(i), T0.AddSeconds(i));

    [Fact]
    public void Many_threads_of_huge_messages_stay_within_the_byte_budget()
    {
        var recent = new RecentChats();
        var ids = new List<Guid>();
        for (var c = 0; c < 500; c++)
        {
            var chat = NewChat("guest_a");
            recent.Remember(chat);
            recent.RememberThread(chat.Id, Enumerable.Range(0, 50).Select(i => NewMessage(chat.Id, i, Huge)).ToList());
            ids.Add(chat.Id);
        }

        var held = ids.Sum(id => recent.Thread(id).Sum(m => 2L * m.Content.Length));
        Assert.InRange(held, 1, Budget);
        Assert.NotEmpty(recent.Thread(ids[^1])); // the newest is kept
    }

    [Fact]
    public void Messages_added_to_a_known_thread_keep_only_its_newest_page()
    {
        var recent = new RecentChats();
        var chat = NewChat("guest_b");
        recent.Remember(chat);
        recent.RememberThread(chat.Id, []);
        var added = Enumerable.Range(0, 500).Select(i => NewMessage(chat.Id, i, $"message {i}")).ToList();
        foreach (var message in added)
        {
            recent.Added("guest_b", message);
        }

        var thread = recent.Thread(chat.Id);
        Assert.InRange(thread.Count, 1, ChatLimits.PageSize + 1);
        Assert.Equal(added[^thread.Count..], thread);
    }
}
