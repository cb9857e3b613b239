using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Chats;

public static class ChatsServiceCollectionExtensions
{
    public static IServiceCollection AddChats(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ReplyKeyResolver>();
        services.AddSingleton<SidebarPublisher>();
        services.AddSingleton<ChatService>();
        return services;
    }
}
