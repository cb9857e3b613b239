using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenChat.Web.Hosting;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.OpenRouter;

/// <summary>The catalogue against the fake OpenRouter: parsing, the hour-long cache, one fetch at a time, and outages.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class ModelCatalogueTests : IAsyncLifetime, IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("openchat-catalogue-").FullName;
    private readonly RecordingObserver _observer = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    private FakeOpenRouter _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenRouter.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_dataPath, recursive: true);
    }

    [Fact]
    public async Task Fetches_models_under_the_base_url_and_parses_them_exactly()
    {
        _fake.Models.Add(new FakeModel("acme/reader", "Acme: Reader", "0.000001", "0.000002", 32768, ["text", "file"]));
        var catalogue = NewCatalogue();

        var view = await catalogue.GetAsync(default);

        Assert.Equal("/api/v1/models", Assert.Single(_fake.Requests).Path);
        Assert.Null(Assert.Single(_fake.Requests).Authorization);
        Assert.False(view.IsStale);
        Assert.Null(view.Notice);
        var mini = view.Snapshot!.Find("openai/gpt-4o-mini")!;
        Assert.Equal("OpenAI: GPT-4o-mini", mini.Name);
        Assert.Equal(0.00000015m, mini.PromptPrice);
        Assert.Equal(0.0000006m, mini.CompletionPrice);
        Assert.Equal(128000, mini.ContextLength);
        Assert.Equal(["text", "image"], mini.InputModalities);
        Assert.Equal("$0.15 / $0.60 per 1M", mini.PriceLabel);
        Assert.True(view.Snapshot.Find("acme/reader")!.AcceptsFiles);
        Assert.Equal("Free", view.Snapshot.Find("google/gemma-3-27b-it:free")!.PriceLabel);
        Assert.True(File.Exists(Path.Combine(_dataPath, ModelCatalogue.FileName)));
    }

    [Fact]
    public async Task A_base_url_with_a_trailing_slash_still_keeps_its_path()
    {
        var catalogue = NewCatalogue(baseUrl: new Uri(_fake.BaseUrl + "/"));

        Assert.Equal(_fake.BaseUrl + "/models", catalogue.ModelsUri.ToString());
        Assert.NotEmpty((await catalogue.GetAsync(default)).Models);
    }

    [Fact]
    public async Task Serves_from_memory_within_the_hour_and_fetches_once_for_many_callers()
    {
        var clock = new ManualClock();
        var catalogue = NewCatalogue(clock: clock);

        var views = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => catalogue.GetAsync(default)));
        await catalogue.GetAsync(default);
        clock.Advance(TimeSpan.FromMinutes(59));
        await catalogue.GetAsync(default);

        Assert.All(views, v => Assert.Equal(3, v.Models.Count));
        Assert.Single(_fake.Requests);

        clock.Advance(TimeSpan.FromMinutes(2));
        _fake.Models.RemoveAt(2);
        var refreshed = await catalogue.GetAsync(default);

        Assert.Equal(2, _fake.Requests.Count);
        Assert.Equal(2, refreshed.Models.Count);
    }

    [Fact]
    public async Task An_outage_serves_the_last_good_copy_says_so_and_tells_the_observer()
    {
        var clock = new ManualClock();
        var catalogue = NewCatalogue(clock: clock);
        var fetchedAt = clock.GetUtcNow();
        await catalogue.GetAsync(default);
        clock.Advance(TimeSpan.FromHours(2));
        _fake.ModelsStatus = 500;

        var view = await catalogue.GetAsync(default);

        Assert.True(view.IsStale);
        Assert.Equal(3, view.Models.Count);
        Assert.Equal($"Showing the model list from {fetchedAt.UtcDateTime:d MMM yyyy, HH:mm} UTC; OpenRouter could not be reached.", view.Notice);
        var failure = Assert.Single(_observer.Failures);
        Assert.Equal(new ModelsFetchFailed(500, ModelsFetchFailed.HttpStatus, "127.0.0.1", true, clock.GetUtcNow()), failure);

        // Within a minute of a failure nobody waits on OpenRouter again; after it, the next request tries.
        await catalogue.GetAsync(default);
        Assert.Equal(2, _fake.Requests.Count);
        _fake.ModelsStatus = 200;
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await catalogue.GetAsync(default)).IsStale);
        Assert.Equal(3, _fake.Requests.Count);
    }

    [Fact]
    public async Task After_a_restart_during_an_outage_the_stored_copy_is_served()
    {
        await NewCatalogue().GetAsync(default);
        _fake.ModelsStatus = 503;

        var restarted = NewCatalogue();
        var view = await restarted.GetAsync(default);

        Assert.True(view.IsStale);
        Assert.Equal(3, view.Models.Count);
        Assert.StartsWith("Showing the model list from ", view.Notice, StringComparison.Ordinal);
        Assert.True(Assert.Single(_observer.Failures).ServedStale);
    }

    [Fact]
    public async Task With_no_copy_anywhere_an_outage_says_the_list_is_unavailable()
    {
        _fake.ModelsStatus = 500;

        var view = await NewCatalogue().GetAsync(default);

        Assert.Null(view.Snapshot);
        Assert.Empty(view.Models);
        Assert.Equal("OpenRouter could not be reached, so the model list is unavailable. Try again in a minute.", view.Notice);
        Assert.False(Assert.Single(_observer.Failures).ServedStale);
    }

    [Fact]
    public async Task A_hanging_upstream_times_out_and_a_page_does_not_wait_for_it()
    {
        _fake.ModelsHang = true;
        var catalogue = NewCatalogue(fetchTimeout: TimeSpan.FromSeconds(2));

        var quick = await catalogue.GetAsync(default, maxWait: TimeSpan.FromMilliseconds(50));
        Assert.Null(quick.Snapshot);
        Assert.Empty(_observer.Failures);

        var settled = await catalogue.GetAsync(default);
        Assert.Null(settled.Snapshot);
        var failure = Assert.Single(_observer.Failures);
        Assert.Equal(ModelsFetchFailed.Timeout, failure.ErrorKind);
        Assert.Null(failure.Status);
        Assert.Single(_fake.Requests);
    }

    [Fact]
    public async Task A_network_failure_is_reported_as_such()
    {
        var catalogue = NewCatalogue(baseUrl: new Uri(AppHost.UnreachableUrl + "api/v1"));

        await catalogue.GetAsync(default);

        var failure = Assert.Single(_observer.Failures);
        Assert.Equal(ModelsFetchFailed.Network, failure.ErrorKind);
        Assert.Equal("127.0.0.1", failure.UpstreamHost);
    }

    [Fact]
    public async Task Entries_without_an_id_are_skipped_and_missing_fields_are_tolerated()
    {
        using var body = new MemoryStream("""
            {"data":[
              {"name":"no id"},
              {"id":"x/bare"},
              {"id":"y/odd","name":"Y: Odd","context_length":null,"pricing":{"prompt":"-1","completion":"0.000001"},"architecture":{"input_modalities":["text",null,"image"]}}
            ]}
            """u8.ToArray());

        var models = await ModelCatalogue.ParseAsync(body, default);

        Assert.Equal(["x/bare", "y/odd"], models.Select(m => m.Id));
        Assert.Equal("x/bare", models[0].Name);
        Assert.Equal("Price varies", models[1].PriceLabel);
        Assert.Null(models[1].ContextLength);
        Assert.True(models[1].AcceptsImages);
    }

    private ModelCatalogue NewCatalogue(Uri? baseUrl = null, TimeProvider? clock = null, TimeSpan? fetchTimeout = null) => new(
        _services.GetRequiredService<IHttpClientFactory>(),
        Options.Create(new OpenChat.Web.OpenRouter.OpenRouterOptions { BaseUrl = baseUrl ?? _fake.BaseUrl }),
        Options.Create(new ModelCatalogueOptions { FetchTimeout = fetchTimeout ?? TimeSpan.FromSeconds(10) }),
        Options.Create(new StorageOptions { DataPath = _dataPath }),
        [_observer],
        clock ?? TimeProvider.System,
        new Lifetime(),
        NullLogger<ModelCatalogue>.Instance);

    private sealed class RecordingObserver : IModelCatalogueObserver
    {
        private readonly ConcurrentQueue<ModelsFetchFailed> _failures = new();

        public IReadOnlyList<ModelsFetchFailed> Failures => [.. _failures];

        public void OnModelsFetchFailed(ModelsFetchFailed failure) => _failures.Enqueue(failure);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 3, 14, 9, 30, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
