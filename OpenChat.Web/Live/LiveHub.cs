using System.Collections.Concurrent;

namespace OpenChat.Web.Live;

/// <summary>The open live connections (tabs), by owner.</summary>
public sealed class LiveHub
{
    private readonly ConcurrentDictionary<string, List<LiveTab>> _tabsByOwner = new(StringComparer.Ordinal);

    public int ConnectionCount => _tabsByOwner.Values.Sum(tabs => { lock (tabs) { return tabs.Count; } });

    public void Register(LiveTab tab)
    {
        while (true)
        {
            var tabs = _tabsByOwner.GetOrAdd(tab.OwnerId, static _ => []);
            lock (tabs)
            {
                // A list emptied and removed by Unregister must not be used again.
                if (_tabsByOwner.TryGetValue(tab.OwnerId, out var current) && ReferenceEquals(current, tabs))
                {
                    tabs.Add(tab);
                    return;
                }
            }
        }
    }

    public void Unregister(LiveTab tab)
    {
        if (!_tabsByOwner.TryGetValue(tab.OwnerId, out var tabs))
        {
            return;
        }

        lock (tabs)
        {
            tabs.Remove(tab);
            if (tabs.Count == 0)
            {
                _tabsByOwner.TryRemove(new KeyValuePair<string, List<LiveTab>>(tab.OwnerId, tabs));
            }
        }
    }

    public IReadOnlyList<LiveTab> TabsOf(string ownerId)
    {
        if (!_tabsByOwner.TryGetValue(ownerId, out var tabs))
        {
            return [];
        }

        lock (tabs)
        {
            return tabs.ToArray();
        }
    }

    /// <summary>Every open tab of every owner (for news that concerns everyone, like the storage banner).</summary>
    public IReadOnlyList<LiveTab> AllTabs()
    {
        var all = new List<LiveTab>();
        foreach (var tabs in _tabsByOwner.Values)
        {
            lock (tabs)
            {
                all.AddRange(tabs);
            }
        }

        return all;
    }

    /// <summary>Ends every live stream (the app is stopping; browsers reconnect to the next instance).</summary>
    public void CloseAll()
    {
        foreach (var tabs in _tabsByOwner.Values)
        {
            LiveTab[] snapshot;
            lock (tabs)
            {
                snapshot = tabs.ToArray();
            }

            foreach (var tab in snapshot)
            {
                tab.Close();
            }
        }
    }
}
