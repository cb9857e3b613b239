namespace OpenChat.Web.Accounts;

public interface IPreferenceRepository
{
    Task<Preferences?> FindAsync(string ownerId, CancellationToken cancellationToken);

    Task SaveAsync(Preferences preferences, CancellationToken cancellationToken);
}
