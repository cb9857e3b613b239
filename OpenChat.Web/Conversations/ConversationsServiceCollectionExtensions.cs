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
        services.AddOptions<ChatQuotas>()
            .BindConfiguration(ChatQuotas.Section)
            .Validate(q => q.Chats >= 1 && q.Messages >= 1 && q.TextBytes >= 1, "Quotas:Chats, Quotas:Messages and Quotas:TextBytes must each be at least 1.")
            .ValidateOnStart();
        return services;
    }
}
