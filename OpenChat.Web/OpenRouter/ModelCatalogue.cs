using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Files;

namespace OpenChat.Web.OpenRouter;

/// <summary>A copy of the model list and when it was fetched from OpenRouter.</summary>
public sealed class CatalogueSnapshot
{
    private readonly Dictionary<string, ModelInfo> _byId;

    public CatalogueSnapshot(IReadOnlyList<ModelInfo> models, DateTimeOffset fetchedAt)
    {
        Models = models;
        FetchedAt = fetchedAt;
        _byId = new Dictionary<string, ModelInfo>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            _byId.TryAdd(model.Id, model);
        }
    }

    public IReadOnlyList<ModelInfo> Models { get; }

    public DateTimeOffset FetchedAt { get; }

    public ModelInfo? Find(string? id) => id is not null && _byId.TryGetValue(id, out var model) ? model : null;
}

/// <summary>What the catalogue can offer right now: a list (maybe an old one) and whether OpenRouter could be reached.</summary>
/// <param name="Snapshot">Null when no list was ever fetched and none is stored.</param>
/// <param name="IsStale">True when the latest fetch failed, so <paramref name="Snapshot"/> is the last good copy.</param>
public sealed record CatalogueView(CatalogueSnapshot? Snapshot, bool IsStale)
{
    public IReadOnlyList<ModelInfo> Models => Snapshot?.Models ?? [];

    /// <summary>What to tell people when the list is old or missing; null when it is current.</summary>
    public string? Notice => (Snapshot, IsStale) switch
    {
        (null, _) => "OpenRouter could not be reached, so the model list is unavailable. Try again in a minute.",
        (_, true) => $"Showing the model list from {Snapshot.FetchedAt.UtcDateTime:d MMM yyyy, HH:mm} UTC; OpenRouter could not be reached.",
        _ => null,
    };
}

/// <summary>
/// OpenRouter's model list (<c>GET {BaseUrl}/models</c>, public, no key): cached in memory for an hour, fetched by
/// one request at a time, and on failure the last good copy is served and said to be old. The last good copy is
/// also kept as <c>models.json</c> in the data folder (in both storage modes: it must be there when the database
/// or OpenRouter is not), so a restart during an outage still has a list.
/// </summary>
public sealed partial class ModelCatalogue(
    IHttpClientFactory httpClients,
    IOptions<OpenRouterOptions> openRouter,
    IOptions<ModelCatalogueOptions> options,
    IOptions<StorageOptions> storage,
    IEnumerable<IModelCatalogueObserver> observers,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<ModelCatalogue> logger)
{
    public const string HttpClientName = "openrouter-models";
    public const string FileName = "models.json";

    private readonly Lock _gate = new();
    private readonly IModelCatalogueObserver[] _observers = [.. observers];
    private CatalogueSnapshot? _snapshot;
    private bool _stale;
    private bool _storedCopyRead;
    private DateTimeOffset _freshUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _nextAttemptAt = DateTimeOffset.MinValue;
    private Task? _refresh;

    public Uri ModelsUri { get; } = new(openRouter.Value.BaseUrl.AbsoluteUri.TrimEnd('/') + "/models");

    private string StoredCopyPath => Path.Combine(storage.Value.FullDataPath, FileName);

    /// <summary>The list, fetching it first when the cached one is older than an hour (one fetch at a time; others wait for it).</summary>
    /// <param name="maxWait">Stop waiting for a fetch after this long and answer with what is at hand (the fetch carries on).</param>
    public async Task<CatalogueView> GetAsync(CancellationToken cancellationToken, TimeSpan? maxWait = null)
    {
        var refresh = StartRefreshIfDue();
        if (refresh is not null)
        {
            try
            {
                await (maxWait is { } wait ? refresh.WaitAsync(wait, clock, cancellationToken) : refresh.WaitAsync(cancellationToken));
            }
            catch (TimeoutException)
            {
                // Answer with what is at hand; the fetch finishes in the background.
            }
        }

        return Current();
    }

    /// <summary>What is in memory now, without asking OpenRouter.</summary>
    public CatalogueView Current()
    {
        lock (_gate)
        {
            return new CatalogueView(_snapshot, _stale);
        }
    }

    private Task? StartRefreshIfDue()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_refresh is { IsCompleted: false })
            {
                return _refresh;
            }

            if (now < _freshUntil || (_stale && now < _nextAttemptAt))
            {
                return null;
            }

            _refresh = Task.Run(RefreshAsync);
            return _refresh;
        }
    }

    private async Task RefreshAsync()
    {
        var started = clock.GetUtcNow();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        timeout.CancelAfter(options.Value.FetchTimeout);
        int? status = null;
        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(ModelsUri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                await FailAsync(status, ModelsFetchFailed.HttpStatus, null);
                return;
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var models = await ParseAsync(body, timeout.Token);
            if (models.Count == 0)
            {
                await FailAsync(status, ModelsFetchFailed.InvalidResponse, null);
                return;
            }

            var snapshot = new CatalogueSnapshot(models, clock.GetUtcNow());
            lock (_gate)
            {
                _snapshot = snapshot;
                _stale = false;
                _storedCopyRead = true;
                _freshUntil = snapshot.FetchedAt + options.Value.CacheDuration;
            }

            LogFetched(logger, models.Count, (clock.GetUtcNow() - started).TotalMilliseconds);
            await StoreAsync(snapshot);
        }
        catch (OperationCanceledException) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await FailAsync(status, ModelsFetchFailed.Timeout, null);
        }
        catch (HttpRequestException e)
        {
            await FailAsync(status ?? (int?)e.StatusCode, ModelsFetchFailed.Network, e);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            await FailAsync(status, ModelsFetchFailed.InvalidResponse, e);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task FailAsync(int? status, string kind, Exception? error)
    {
        bool readStored;
        lock (_gate)
        {
            readStored = _snapshot is null && !_storedCopyRead;
            _storedCopyRead = true;
        }

        var stored = readStored ? await ReadStoredCopyAsync() : null;
        bool servedStale;
        lock (_gate)
        {
            _snapshot ??= stored;
            _stale = true;
            _freshUntil = DateTimeOffset.MinValue;
            _nextAttemptAt = clock.GetUtcNow() + options.Value.RetryAfterFailure;
            servedStale = _snapshot is not null;
        }

        var failure = new ModelsFetchFailed(status, kind, ModelsUri.Host, servedStale, clock.GetUtcNow());
        // One line, no stack trace: the reason is what an operator needs (a network error's trace says nothing more).
        LogFetchFailed(logger, status, kind, failure.UpstreamHost, servedStale, error?.GetBaseException().Message ?? "No detail.");
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnModelsFetchFailed(failure);
            }
            catch (Exception e)
            {
                LogObserverFailed(logger, e, observer.GetType().Name);
            }
        }
    }

    private async Task StoreAsync(CatalogueSnapshot snapshot)
    {
        try
        {
            await FileStore.WriteAtomicAsync(StoredCopyPath, new StoredCatalogue(snapshot.FetchedAt, [.. snapshot.Models]), CancellationToken.None, durable: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStoreFailed(logger, e, StoredCopyPath);
        }
    }

    private async Task<CatalogueSnapshot?> ReadStoredCopyAsync()
    {
        if (!File.Exists(StoredCopyPath))
        {
            return null; // a first start: nothing stored yet, nothing to report
        }

        try
        {
            var stored = await FileStore.ReadAsync<StoredCatalogue>(StoredCopyPath, CancellationToken.None);
            return stored is { Models.Count: > 0 } ? new CatalogueSnapshot(stored.Models, stored.FetchedAt) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            LogStoreFailed(logger, e, StoredCopyPath);
            return null;
        }
    }

    /// <summary>Reads OpenRouter's <c>{data:[...]}</c>; entries without an id are skipped, everything else is optional.</summary>
    public static async Task<IReadOnlyList<ModelInfo>> ParseAsync(Stream body, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(body, default, cancellationToken);
        if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The models response has no data array.");
        }

        var models = new List<ModelInfo>(data.GetArrayLength());
        foreach (var item in data.EnumerateArray())
        {
            var id = String(item, "id");
            if (string.IsNullOrWhiteSpace(id))
            {
                continue;
            }

            var name = String(item, "name");
            int? context = item.TryGetProperty("context_length", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
            decimal? prompt = null, completion = null;
            if (item.TryGetProperty("pricing", out var pricing) && pricing.ValueKind == JsonValueKind.Object)
            {
                prompt = ModelFormat.ParsePrice(String(pricing, "prompt"));
                completion = ModelFormat.ParsePrice(String(pricing, "completion"));
            }

            var modalities = new List<string>();
            if (item.TryGetProperty("architecture", out var architecture) && architecture.ValueKind == JsonValueKind.Object
                && architecture.TryGetProperty("input_modalities", out var inputs) && inputs.ValueKind == JsonValueKind.Array)
            {
                modalities.AddRange(inputs.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!));
            }

            models.Add(new ModelInfo(id, string.IsNullOrWhiteSpace(name) ? id : name.Trim(), context, prompt, completion, modalities));
        }

        return models;
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private sealed record StoredCatalogue(DateTimeOffset FetchedAt, List<ModelInfo> Models);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Fetched {Count} models from OpenRouter in {ElapsedMs:0} ms")]
    private static partial void LogFetched(ILogger logger, int count, double elapsedMs);

    [LoggerMessage(EventId = 4102, EventName = "ModelsFetchFailed", Level = LogLevel.Warning,
        Message = "Fetching the model list failed: status {Status}, {ErrorKind}, upstream {UpstreamHost}, served stale {ServedStale}. {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, int? status, string errorKind, string upstreamHost, bool servedStale, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "The model list could not be read from or written to {Path}")]
    private static partial void LogStoreFailed(ILogger logger, Exception error, string path);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Catalogue observer {Observer} failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception error, string observer);
}
