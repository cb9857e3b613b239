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
        services.AddSingleton<ChatMarkdownExport>();
        services.AddHostedService<Usage.ChatUsagePublisher>();
        return services;
    }
}
