namespace OpenChat.Web.Chats;

public static class ChatsServiceCollectionExtensions
{
    public static IServiceCollection AddChats(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SidebarPublisher>();
        services.AddSingleton<ChatService>();
        services.AddSingleton<ChatExport>();
        services.AddSingleton<ChatImport>();
        services.AddOptions<ChatQuotas>()
            .BindConfiguration(ChatQuotas.Section)
            .Validate(q => q.Chats >= 1 && q.Messages >= 1 && q.TextBytes >= 1, "Quotas:Chats, Quotas:Messages and Quotas:TextBytes must each be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<ChatMarkdownExport>();
        services.AddHostedService<Usage.ChatUsagePublisher>();
        return services;
    }
}
