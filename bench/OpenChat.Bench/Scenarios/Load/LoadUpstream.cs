using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenChat.Bench.Scenarios.Stream;

namespace OpenChat.Bench.Scenarios.Load;

/// <summary>
/// A fake OpenRouter for the load scenario: every <c>POST /api/v1/chat/completions</c> streams the same short reply in
/// OpenRouter's format (a chunk every <see cref="Interval"/>, then stop, usage with cost, <c>[DONE]</c>), whatever was asked.
/// </summary>
public sealed class LoadUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ReplyScript _script;
    private long _replies;

    private LoadUpstream(WebApplication app, ReplyScript script, TimeSpan interval)
    {
        _app = app;
        _script = script;
        Interval = interval;
    }

    public TimeSpan Interval { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public long Replies => Interlocked.Read(ref _replies);

    public static async Task<LoadUpstream> StartAsync(int chunks, TimeSpan interval, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MinResponseDataRate = null;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var upstream = new LoadUpstream(app, ReplyScript.Create(chunks, includeCode: true), interval);
        app.MapPost("/api/v1/chat/completions", upstream.CompleteAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/api/v1/");
        return upstream;
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        await context.Request.Body.CopyToAsync(System.IO.Stream.Null, aborted);
        Interlocked.Increment(ref _replies);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        try
        {
            await response.Body.WriteAsync(ReplyScript.ProcessingComment, aborted);
            foreach (var frame in _script.ChunkFrames)
            {
                await Task.Delay(Interval, aborted);
                await response.Body.WriteAsync(frame, aborted);
                await response.Body.FlushAsync(aborted);
            }

            await response.Body.WriteAsync(_script.StopFrame, aborted);
            await response.Body.WriteAsync(_script.UsageFrame, aborted);
            await response.Body.WriteAsync(ReplyScript.DoneFrame, aborted);
            await response.Body.FlushAsync(aborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The app stopped the reply (or shut down): nothing to finish.
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }
}
