using System.Collections.Concurrent;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// <c>workspace.fallback_storage_used</c> and <c>workspace.fallback_reconciled</c>. Analytics is resolved lazily:
/// it reads preferences and keys itself, through the same storage. A streaming reply's flushes count once per reply.
/// </summary>
public sealed class FallbackTelemetry(IServiceProvider services, IHttpContextAccessor http, Spool spool, ILogger<FallbackTelemetry> logger)
{
    private readonly ConcurrentDictionary<Guid, byte> _flushedReplies = new();

    public async Task UsedAsync(string operation, Guid? chatId, Guid? messageId = null)
    {
        if (messageId is { } id && !_flushedReplies.TryAdd(id, 0))
        {
            return;
        }

        try
        {
            var analytics = services.GetRequiredService<ProductAnalytics>();
            if (!analytics.IsEnabled)
            {
                return;
            }

            var size = spool.RecordCount();
            void Fill(TelemetryProperties p)
            {
                p["operation"] = operation;
                p["chat_id"] = chatId?.ToString("D");
                p["fallback_size"] = size;
            }

            if (http.HttpContext is not null)
            {
                await analytics.CaptureAsync("workspace.fallback_storage_used", Fill);
            }
            else
            {
                analytics.CaptureForServer("workspace.fallback_storage_used", Fill);
            }
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Could not capture workspace.fallback_storage_used");
        }
    }

    public void Reconciled(ReconcileResult result)
    {
        _flushedReplies.Clear();
        var analytics = services.GetRequiredService<ProductAnalytics>();
        analytics.CaptureForServer("workspace.fallback_reconciled", p =>
        {
            p["chats"] = result.Chats;
            p["messages"] = result.Messages;
            p["duration_ms"] = (long)result.Duration.TotalMilliseconds;
            p["conflicts"] = result.Conflicts;
        });
    }
}
