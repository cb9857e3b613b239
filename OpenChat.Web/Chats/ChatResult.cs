namespace OpenChat.Web.Chats;

/// <summary>The outcome of a chat operation: a value, or a <see cref="ChatError"/> to show.</summary>
public readonly record struct ChatResult<T>(T? Value, ChatError? Error)
{
    public bool Succeeded => Error is null;

    public static implicit operator ChatResult<T>(T value) => new(value, null);

    public static implicit operator ChatResult<T>(ChatError error) => new(default, error);
}
