namespace OpenChat.Web.Storage.Fallback;

/// <summary>An operation that needs Postgres itself (accounts) while it is down; answered with 503 and a clear message.</summary>
public sealed class StorageUnavailableException()
    : Exception("The database is unavailable right now. Accounts need it: try again in a minute. Chats keep working.");
