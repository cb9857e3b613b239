namespace OpenChat.Web.Chats;

public enum MessageRole
{
    User,
    Assistant,
}
