using OpenChat.Web.Chats;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IChatRepository"/> must have. Each store runs these same cases
/// (<see cref="FileChatRepositoryTests"/>, <see cref="PostgresChatRepositoryTests"/>).
/// </summary>
public abstract class ChatRepositoryContract
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).AddTicks(1234560);

    protected abstract IChatRepository Repository { get; }

    private static string NewOwner() => "guest_" + Guid.NewGuid().ToString("N");

    private static Chat NewChat(string owner, DateTimeOffset at, string title = Chat.DefaultTitle) =>
        new(Guid.CreateVersion7(at), owner, title, false, "openai/gpt-4o-mini", at, at, at);

    private static ChatMessage NewMessage(Guid chatId, DateTimeOffset at, MessageRole role = MessageRole.User, string content = "hello", MessageStatus status = MessageStatus.Complete) =>
        new(Guid.CreateVersion7(at), chatId, role, content, status, role == MessageRole.Assistant ? "openai/gpt-4o-mini" : null, null, null, at, at);

    [Fact]
    public async Task Created_chat_reads_back_identically_for_its_owner()
    {
        var owner = NewOwner();
        var chat = NewChat(owner, T0, "Trip to Lisbon — ideas & <plans>");
        await Repository.CreateChatAsync(chat, default);

        var found = await Repository.FindChatAsync(owner, chat.Id, default);

        Assert.Equal(chat, found);
    }

    [Fact]
    public async Task Another_owner_cannot_see_rename_delete_or_write_to_a_chat()
    {
        var owner = NewOwner();
        var stranger = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);
        var message = NewMessage(chat.Id, T0.AddSeconds(1));
        await Repository.AddMessageAsync(owner, message, default);

        Assert.Null(await Repository.FindChatAsync(stranger, chat.Id, default));
        Assert.Empty(await Repository.ListChatsAsync(stranger, null, 50, default));
        Assert.Empty(await Repository.ListMessagesAsync(stranger, chat.Id, null, 50, default));
        Assert.False(await Repository.RenameChatAsync(stranger, chat.Id, "mine now", true, T0.AddSeconds(2), default));
        Assert.False(await Repository.AddMessageAsync(stranger, NewMessage(chat.Id, T0.AddSeconds(3)), default));
        Assert.False(await Repository.UpdateMessageAsync(stranger, chat.Id, new MessageUpdate(message.Id, "overwritten", MessageStatus.Complete, null, null, T0.AddSeconds(4)), default));
        Assert.False(await Repository.DeleteChatAsync(stranger, chat.Id, default));

        Assert.Equal(chat with { LastMessageAt = message.CreatedAt, UpdatedAt = message.CreatedAt }, await Repository.FindChatAsync(owner, chat.Id, default));
        Assert.Equal([message], await Repository.ListMessagesAsync(owner, chat.Id, null, 50, default));
    }

    [Fact]
    public async Task Unknown_chat_behaves_like_a_stranger_chat()
    {
        var owner = NewOwner();
        var missing = Guid.CreateVersion7();

        Assert.Null(await Repository.FindChatAsync(owner, missing, default));
        Assert.False(await Repository.RenameChatAsync(owner, missing, "x", true, T0, default));
        Assert.False(await Repository.DeleteChatAsync(owner, missing, default));
        Assert.False(await Repository.AddMessageAsync(owner, NewMessage(missing, T0), default));
        Assert.Empty(await Repository.ListMessagesAsync(owner, missing, null, 50, default));
    }

    [Fact]
    public async Task Chat_list_is_most_recent_activity_first_and_pages_without_gaps_or_repeats()
    {
        var owner = NewOwner();
        var chats = new List<Chat>();
        for (var i = 0; i < 7; i++)
        {
            var chat = NewChat(owner, T0.AddMinutes(i));
            chats.Add(chat);
            await Repository.CreateChatAsync(chat, default);
        }

        // Activity in the oldest chat moves it to the top.
        var message = NewMessage(chats[0].Id, T0.AddHours(1));
        await Repository.AddMessageAsync(owner, message, default);
        var expectedOrder = new[] { chats[0].Id }.Concat(chats.Skip(1).Reverse().Select(c => c.Id)).ToList();

        var all = await Repository.ListChatsAsync(owner, null, 50, default);
        Assert.Equal(expectedOrder, all.Select(c => c.Id));
        Assert.Equal(message.CreatedAt, all[0].LastMessageAt);

        var paged = new List<Guid>();
        ChatListCursor? cursor = null;
        while (true)
        {
            var page = await Repository.ListChatsAsync(owner, cursor, 3, default);
            paged.AddRange(page.Select(c => c.Id));
            if (page.Count < 3)
            {
                break;
            }

            cursor = new ChatListCursor(page[^1].LastMessageAt, page[^1].Id);
        }

        Assert.Equal(expectedOrder, paged);
    }

    [Fact]
    public async Task Chats_with_the_same_activity_time_are_ordered_by_id_newest_first()
    {
        var owner = NewOwner();
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var chat = NewChat(owner, T0) with { Id = Guid.NewGuid() };
            ids.Add(chat.Id);
            await Repository.CreateChatAsync(chat, default);
        }

        var first = await Repository.ListChatsAsync(owner, null, 2, default);
        var rest = await Repository.ListChatsAsync(owner, new ChatListCursor(first[^1].LastMessageAt, first[^1].Id), 10, default);

        Assert.Equal(ids.OrderDescending(), first.Concat(rest).Select(c => c.Id));
    }

    [Fact]
    public async Task Rename_changes_title_and_marks_it_custom()
    {
        var owner = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);

        Assert.True(await Repository.RenameChatAsync(owner, chat.Id, "Quarterly plan", true, T0.AddMinutes(5), default));

        Assert.Equal(
            chat with { Title = "Quarterly plan", TitleIsCustom = true, UpdatedAt = T0.AddMinutes(5) },
            await Repository.FindChatAsync(owner, chat.Id, default));
    }

    [Fact]
    public async Task Set_chat_model_changes_only_that_owners_chat()
    {
        var owner = NewOwner();
        var stranger = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);

        Assert.True(await Repository.SetChatModelAsync(owner, chat.Id, "meta-llama/llama-3.3-70b-instruct", T0.AddMinutes(1), default));
        Assert.False(await Repository.SetChatModelAsync(stranger, chat.Id, "google/gemma-3-27b-it:free", T0.AddMinutes(2), default));
        Assert.False(await Repository.SetChatModelAsync(owner, Guid.CreateVersion7(), "google/gemma-3-27b-it:free", T0.AddMinutes(2), default));

        Assert.Equal(
            chat with { ModelId = "meta-llama/llama-3.3-70b-instruct", UpdatedAt = T0.AddMinutes(1) },
            await Repository.FindChatAsync(owner, chat.Id, default));
    }

    [Fact]
    public async Task Delete_removes_the_chat_and_all_its_messages_and_leaves_other_chats_alone()
    {
        var owner = NewOwner();
        var doomed = NewChat(owner, T0);
        var kept = NewChat(owner, T0.AddSeconds(1));
        await Repository.CreateChatAsync(doomed, default);
        await Repository.CreateChatAsync(kept, default);
        await Repository.AddMessageAsync(owner, NewMessage(doomed.Id, T0.AddSeconds(2)), default);
        var keptMessage = NewMessage(kept.Id, T0.AddSeconds(3));
        await Repository.AddMessageAsync(owner, keptMessage, default);

        Assert.True(await Repository.DeleteChatAsync(owner, doomed.Id, default));

        Assert.Null(await Repository.FindChatAsync(owner, doomed.Id, default));
        Assert.Empty(await Repository.ListMessagesAsync(owner, doomed.Id, null, 50, default));
        Assert.Equal([kept.Id], (await Repository.ListChatsAsync(owner, null, 50, default)).Select(c => c.Id));
        Assert.Equal([keptMessage], await Repository.ListMessagesAsync(owner, kept.Id, null, 50, default));
        Assert.False(await Repository.DeleteChatAsync(owner, doomed.Id, default));
    }

    [Fact]
    public async Task Messages_page_backwards_from_the_newest_and_each_page_reads_oldest_first()
    {
        var owner = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);
        var messages = new List<ChatMessage>();
        for (var i = 0; i < 120; i++)
        {
            var message = NewMessage(chat.Id, T0.AddSeconds(i + 1), i % 2 == 0 ? MessageRole.User : MessageRole.Assistant, $"message {i}");
            messages.Add(message);
            await Repository.AddMessageAsync(owner, message, default);
        }

        var newest = await Repository.ListMessagesAsync(owner, chat.Id, null, 50, default);
        Assert.Equal(messages.Skip(70), newest);

        var middle = await Repository.ListMessagesAsync(owner, chat.Id, new MessageCursor(newest[0].CreatedAt, newest[0].Id), 50, default);
        Assert.Equal(messages.Skip(20).Take(50), middle);

        var oldest = await Repository.ListMessagesAsync(owner, chat.Id, new MessageCursor(middle[0].CreatedAt, middle[0].Id), 50, default);
        Assert.Equal(messages.Take(20), oldest);
    }

    [Fact]
    public async Task A_streaming_reply_flushes_then_completes_with_usage_and_flushing_twice_is_harmless()
    {
        var owner = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);
        var reply = NewMessage(chat.Id, T0.AddSeconds(1), MessageRole.Assistant, string.Empty, MessageStatus.Streaming);
        await Repository.AddMessageAsync(owner, reply, default);

        var flush = new MessageUpdate(reply.Id, "Partial **answ", MessageStatus.Streaming, null, null, T0.AddSeconds(2));
        Assert.True(await Repository.UpdateMessageAsync(owner, chat.Id, flush, default));
        Assert.True(await Repository.UpdateMessageAsync(owner, chat.Id, flush, default));
        Assert.Equal(reply with { Content = "Partial **answ", UpdatedAt = T0.AddSeconds(2) }, (await Repository.ListMessagesAsync(owner, chat.Id, null, 50, default)).Single());

        var usage = new MessageUsage(12, 34, 0.0001234m);
        var final = new MessageUpdate(reply.Id, "Partial **answer**.", MessageStatus.Complete, usage, null, T0.AddSeconds(3));
        Assert.True(await Repository.UpdateMessageAsync(owner, chat.Id, final, default));

        var stored = (await Repository.ListMessagesAsync(owner, chat.Id, null, 50, default)).Single();
        Assert.Equal(reply with { Content = "Partial **answer**.", Status = MessageStatus.Complete, Usage = usage, UpdatedAt = T0.AddSeconds(3) }, stored);
    }

    [Theory]
    [InlineData(MessageStatus.Stopped, null)]
    [InlineData(MessageStatus.Error, "rate_limited")]
    [InlineData(MessageStatus.Interrupted, null)]
    public async Task A_reply_can_end_in_every_terminal_status_keeping_its_partial_text(MessageStatus status, string? errorKind)
    {
        var owner = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);
        var reply = NewMessage(chat.Id, T0.AddSeconds(1), MessageRole.Assistant, string.Empty, MessageStatus.Streaming);
        await Repository.AddMessageAsync(owner, reply, default);

        await Repository.UpdateMessageAsync(owner, chat.Id, new MessageUpdate(reply.Id, "half an ans", status, null, errorKind, T0.AddSeconds(2)), default);

        var stored = (await Repository.ListMessagesAsync(owner, chat.Id, null, 50, default)).Single();
        Assert.Equal((status, errorKind, "half an ans"), (stored.Status, stored.ErrorKind, stored.Content));
    }

    [Fact]
    public async Task A_message_id_from_another_chat_of_the_same_owner_is_not_updated()
    {
        var owner = NewOwner();
        var first = NewChat(owner, T0);
        var second = NewChat(owner, T0.AddSeconds(1));
        await Repository.CreateChatAsync(first, default);
        await Repository.CreateChatAsync(second, default);
        var message = NewMessage(first.Id, T0.AddSeconds(2));
        await Repository.AddMessageAsync(owner, message, default);

        var updated = await Repository.UpdateMessageAsync(owner, second.Id, new MessageUpdate(message.Id, "hijacked", MessageStatus.Complete, null, null, T0.AddSeconds(3)), default);

        Assert.False(updated);
        Assert.Equal([message], await Repository.ListMessagesAsync(owner, first.Id, null, 50, default));
    }

    [Fact]
    public async Task Text_survives_exactly_including_unicode_markup_and_control_characters()
    {
        var owner = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);
        const string text = "Ünïcødé 👩🏽‍💻 <script>alert(1)</script> ' \" ; -- \\ \t\r\n`code`\u2028end";
        var message = NewMessage(chat.Id, T0.AddSeconds(1), content: text);
        await Repository.AddMessageAsync(owner, message, default);

        Assert.Equal(text, (await Repository.ListMessagesAsync(owner, chat.Id, null, 50, default)).Single().Content);
    }

    [Fact]
    public async Task Concurrent_writes_to_one_chat_all_land()
    {
        var owner = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);
        var messages = Enumerable.Range(0, 40).Select(i => NewMessage(chat.Id, T0.AddMilliseconds(i + 1), content: $"m{i}")).ToList();

        await Task.WhenAll(messages.Select(m => Repository.AddMessageAsync(owner, m, default)));

        Assert.Equal(messages, await Repository.ListMessagesAsync(owner, chat.Id, null, 100, default));
        Assert.Equal(messages[^1].CreatedAt, (await Repository.FindChatAsync(owner, chat.Id, default))!.LastMessageAt);
    }

    [Fact]
    public async Task Replies_left_streaming_become_interrupted_with_their_text_and_others_are_untouched()
    {
        var owner = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);
        var done = NewMessage(chat.Id, T0.AddSeconds(1), MessageRole.Assistant, "finished", MessageStatus.Complete);
        var left = NewMessage(chat.Id, T0.AddSeconds(2), MessageRole.Assistant, string.Empty, MessageStatus.Streaming);
        await Repository.AddMessageAsync(owner, done, default);
        await Repository.AddMessageAsync(owner, left, default);
        await Repository.UpdateMessageAsync(owner, chat.Id, new MessageUpdate(left.Id, "half of it", MessageStatus.Streaming, null, null, T0.AddSeconds(3)), default);

        var marked = await Repository.InterruptStreamingMessagesAsync(T0.AddMinutes(1), default);

        Assert.True(marked >= 1);
        var messages = await Repository.ListMessagesAsync(owner, chat.Id, null, 50, default);
        Assert.Equal(done, messages[0]);
        Assert.Equal(left with { Content = "half of it", Status = MessageStatus.Interrupted, UpdatedAt = T0.AddMinutes(1) }, messages[1]);
        Assert.Equal(0, await Repository.InterruptStreamingMessagesAsync(T0.AddMinutes(2), default));
    }

    [Fact]
    public async Task A_final_update_replaces_usage_and_error_rather_than_merging_them()
    {
        var owner = NewOwner();
        var chat = NewChat(owner, T0);
        await Repository.CreateChatAsync(chat, default);
        var reply = NewMessage(chat.Id, T0.AddSeconds(1), MessageRole.Assistant, "old", MessageStatus.Complete) with { Usage = new MessageUsage(1, 2, 0.5m) };
        await Repository.AddMessageAsync(owner, reply, default);

        await Repository.UpdateMessageAsync(owner, chat.Id, new MessageUpdate(reply.Id, "new", MessageStatus.Error, null, "timeout||", T0.AddSeconds(2)), default);

        var stored = (await Repository.ListMessagesAsync(owner, chat.Id, null, 50, default)).Single();
        Assert.Equal(reply with { Content = "new", Status = MessageStatus.Error, Usage = null, ErrorKind = "timeout||", UpdatedAt = T0.AddSeconds(2) }, stored);
    }
}
