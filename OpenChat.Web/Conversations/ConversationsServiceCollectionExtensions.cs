namespace OpenChat.Web.Conversations;

public static class ConversationsServiceCollectionExtensions
{
    /// <summary>What people do with their chats (send, restart, rename, delete, import...).</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddSingleton<ChatQueries>();
        services.AddSingleton<ReplyChecks>();
        services.AddSingleton<ReplyStarter>();
        services.AddSingleton<SendMessage>();
        services.AddSingleton<RestartReply>();
        services.AddSingleton<StopReply>();
        services.AddSingleton<RenameChat>();
        services.AddSingleton<DeleteChats>();
        services.AddSingleton<ChatImport>();
        return services;
    }
}
