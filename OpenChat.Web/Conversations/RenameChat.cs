using OpenChat.Web.Chats;
using OpenChat.Web.Hosting;
using OpenChat.Web.Live;
using OpenChat.Web.Storage;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Conversations;

/// <summary>Gives a chat the title its owner chose.</summary>
public sealed class RenameChat(IChatRepository chats, SidebarPublisher sidebar, ProductAnalytics analytics, TimeProvider clock)
{
    public async Task<ChatResult<Chat>> RenameAsync(string ownerId, Guid chatId, string? title, CancellationToken cancellationToken)
    {
        var clean = ChatTitle.Collapse(title ?? string.Empty);
        if (clean.Length == 0)
        {
            return ChatError.EmptyTitle;
        }

        if (clean.Length > Chat.MaxTitleLength)
        {
            return ChatError.TitleTooLong;
        }

        var now = clock.StorageNow();
        if (!await chats.RenameChatAsync(ownerId, chatId, clean, isCustom: true, now, cancellationToken))
        {
            return ChatError.NotFound;
        }

        // Deleted in the moment since (another tab, another instance): as if it had not been there.
        if (await chats.FindChatAsync(ownerId, chatId, cancellationToken) is not { } renamed)
        {
            return ChatError.NotFound;
        }

        await analytics.CaptureAsync("chat.renamed", p => p["chat_id"] = chatId.ToString("D"));
        sidebar.Publish(ownerId, renamed: renamed);
        return renamed;
    }
}
