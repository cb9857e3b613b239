using OpenChat.Web.Storage.Fallback;

namespace OpenChat.Web.Live;

/// <summary>Shows and hides the banner in every open tab when the breaker opens or closes (an out-of-band swap on the tab's live stream).</summary>
public sealed class StorageBannerPublisher(PostgresBreaker breaker, LiveHub hub) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        breaker.StateChanged += Publish;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        breaker.StateChanged -= Publish;
        return Task.CompletedTask;
    }

    private void Publish(bool open)
    {
        var frame = LiveFrames.StorageBannerChange(open);
        foreach (var tab in hub.AllTabs())
        {
            tab.Send(frame);
        }
    }
}
