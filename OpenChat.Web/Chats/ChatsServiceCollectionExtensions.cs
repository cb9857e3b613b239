namespace OpenChat.Web.Chats;

public static class ChatsServiceCollectionExtensions
{
    public static IServiceCollection AddChats(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<MarkdownRenderer>();
        services.AddSingleton<ChatExport>();
        services.AddSingleton<ChatMarkdownExport>();
        return services;
    }
}
