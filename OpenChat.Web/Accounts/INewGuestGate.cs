namespace OpenChat.Web.Accounts;

/// <summary>
/// Asked before a visitor becomes a new guest (each would get its own free replies): throws to refuse the request.
/// The protection layer implements it (a limit per IP address); without one, every visitor may become a guest.
/// </summary>
public interface INewGuestGate
{
    void Enter(HttpContext context);
}
