namespace OpenChat.Web.Conversations;

public static class ConversationsServiceCollectionExtensions
{
    /// <summary>What people do with their chats (send, restart, rename, delete, import...).</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddSingleton<ChatService>();
        services.AddSingleton<ChatImport>();
        return services;
    }
}
