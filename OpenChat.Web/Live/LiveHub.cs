using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OpenChat.Web.Live;

/// <summary>
/// The open live connections (tabs), by owner. At most <see cref="LiveOptions.MaxLiveStreamsPerOwner"/> per owner and
/// <see cref="LiveOptions.MaxLiveStreamsPerAddress"/> per client address: a newer stream closes the oldest one.
/// </summary>
public sealed class LiveHub(IOptions<LiveOptions> options)
{
    private readonly ConcurrentDictionary<string, List<LiveTab>> _tabsByOwner = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LiveTab>> _tabsByAddress = new(StringComparer.Ordinal);
    private readonly int _perOwner = options.Value.MaxLiveStreamsPerOwner;
    private readonly int _perAddress = options.Value.MaxLiveStreamsPerAddress;

    public int ConnectionCount => _tabsByOwner.Values.Sum(tabs => { lock (tabs) { return tabs.Count; } });

    public void Register(LiveTab tab)
    {
        LiveTab? oldestOfOwner = null;
        while (true)
        {
            var tabs = _tabsByOwner.GetOrAdd(tab.OwnerId, static _ => []);
            lock (tabs)
            {
                // A list emptied and removed by Unregister must not be used again.
                if (_tabsByOwner.TryGetValue(tab.OwnerId, out var current) && ReferenceEquals(current, tabs))
                {
                    tabs.Add(tab);
                    if (tabs.Count > _perOwner)
                    {
                        oldestOfOwner = tabs[0];
                    }

                    break;
                }
            }
        }

        // Before counting the address: the owner's oldest stream may be one of this address's too.
        Evict(oldestOfOwner);
        LiveTab? oldestOfAddress = null;
        if (tab.ClientAddress is { } address)
        {
            lock (_tabsByAddress)
            {
                if (!_tabsByAddress.TryGetValue(address, out var tabs))
                {
                    _tabsByAddress[address] = tabs = [];
                }

                tabs.Add(tab);
                if (tabs.Count > _perAddress)
                {
                    oldestOfAddress = tabs[0];
                }
            }
        }

        Evict(oldestOfAddress);
    }

    public void Unregister(LiveTab tab)
    {
        if (tab.ClientAddress is { } address)
        {
            lock (_tabsByAddress)
            {
                if (_tabsByAddress.TryGetValue(address, out var byAddress) && byAddress.Remove(tab) && byAddress.Count == 0)
                {
                    _tabsByAddress.Remove(address);
                }
            }
        }

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

    /// <summary>Takes a tab out at once (the count is right when the newer stream starts) and closes its stream.</summary>
    private void Evict(LiveTab? tab)
    {
        if (tab is null)
        {
            return;
        }

        Unregister(tab);
        tab.Evict();
    }
}
