namespace OpenChat.Web.Storage.Fallback;

/// <param name="Conflicts">Spooled records Postgres already held in a newer version (Postgres kept its own).</param>
public sealed record ReconcileResult(int Chats, int Messages, int Conflicts, TimeSpan Duration);
