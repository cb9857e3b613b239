using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// The Data Protection key ring in Postgres, with a copy in <c>{DataPath}/keys</c>: every key read from or written
/// to Postgres is mirrored there, so cookies and saved keys still decrypt when Postgres is down (even at start-up).
/// A key made during an outage lives in the folder and is pushed to Postgres when it answers (<see cref="SyncToPostgres"/>).
/// </summary>
public sealed class FallbackXmlRepository(PostgresXmlRepository postgres, OwnerOnlyXmlRepository files, PostgresBreaker breaker) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        if (!breaker.IsOpen)
        {
            try
            {
                var fromPostgres = postgres.GetAllElements();
                Mirror(fromPostgres);
                return fromPostgres.Concat(Missing(files.GetAllElements(), fromPostgres)).ToList();
            }
            catch (Exception e) when (PostgresBreaker.IsOutage(e))
            {
                breaker.Trip(e);
            }
        }

        return files.GetAllElements();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        files.StoreElement(element, friendlyName);
        if (!breaker.IsOpen)
        {
            try
            {
                postgres.StoreElement(element, friendlyName);
            }
            catch (Exception e) when (PostgresBreaker.IsOutage(e))
            {
                breaker.Trip(e);
            }
        }
    }

    /// <summary>Pushes keys made while Postgres was down (insert, or nothing when it has them).</summary>
    public void SyncToPostgres()
    {
        var fromPostgres = postgres.GetAllElements();
        foreach (var element in Missing(files.GetAllElements(), fromPostgres))
        {
            postgres.StoreElement(element, FriendlyName(element));
        }
    }

    private void Mirror(IReadOnlyCollection<XElement> fromPostgres)
    {
        foreach (var element in Missing(fromPostgres, files.GetAllElements()))
        {
            files.StoreElement(element, FriendlyName(element));
        }
    }

    private static IEnumerable<XElement> Missing(IEnumerable<XElement> candidates, IEnumerable<XElement> present)
    {
        var ids = present.Select(Id).ToHashSet(StringComparer.Ordinal);
        return candidates.Where(e => !ids.Contains(Id(e)));
    }

    private static string Id(XElement element) => element.Attribute("id")?.Value ?? element.ToString(SaveOptions.DisableFormatting);

    private static string FriendlyName(XElement element) => "key-" + Id(element);
}
