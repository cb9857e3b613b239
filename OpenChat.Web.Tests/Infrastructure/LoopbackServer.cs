using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>A minimal Kestrel app on a free loopback port, for the fake external services.</summary>
internal static class LoopbackServer
{
    /// <summary>Starts an app that hands every request to <paramref name="handle"/> (resolved once the fake exists); returns it and its base address without a trailing slash.</summary>
    public static async Task<(WebApplication App, string Address)> StartAsync(Func<RequestDelegate> handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(context => handle()(context));
        await app.StartAsync();
        return (app, app.Urls.First().TrimEnd('/'));
    }
}
