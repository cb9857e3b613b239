using Microsoft.AspNetCore.Hosting.Server;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OpenChat.Web.Hosting;

/// <summary>
/// Says where the app can be opened once it listens: a URL a person can click (a wildcard host such as <c>+</c>,
/// <c>*</c>, <c>0.0.0.0</c> or <c>[::]</c> becomes <c>localhost</c>).
/// </summary>
public static partial class StartupAddress
{
    public static void PrintAddressWhenStarted(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenChat");
            foreach (var address in addresses)
            {
                LogRunning(logger, Browsable(address));
            }
        });
    }

    public static string Browsable(string address) =>
        WildcardHost().Replace(address, "://localhost", 1);

    [GeneratedRegex(@"://(\+|\*|0\.0\.0\.0|\[::\])(?=[:/]|$)")]
    private static partial Regex WildcardHost();

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "OpenChat is running at {Url}")]
    private static partial void LogRunning(ILogger logger, string url);
}
