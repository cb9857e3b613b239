namespace OpenChat.Web.Hosting;

/// <summary>
/// Maps the conventional environment variable names that hosting platforms use
/// (<c>DATABASE_URL</c>, <c>OPENROUTER_API_KEY</c>, <c>POSTHOG_HOST</c>, ...) onto the app's own settings.
/// The source is added after the default ones, so a conventional name set in the environment wins
/// over appsettings.json; settings given through the canonical names still work as usual.
/// </summary>
public static class ConventionalEnvironmentVariables
{
    private static readonly (string Variable, string Setting)[] Map =
    [
        ("DATABASE_URL", "ConnectionStrings:Postgres"),
        ("OPENROUTER_API_KEY", "OpenRouter:ApiKey"),
        ("OPENROUTER_BASE_URL", "OpenRouter:BaseUrl"),
        ("POSTHOG_API_KEY", "PostHog:ApiKey"),
        ("POSTHOG_HOST", "PostHog:Host"),
    ];

    public static IConfigurationBuilder AddConventionalEnvironmentVariables(
        this IConfigurationBuilder configuration,
        Func<string, string?>? readVariable = null)
    {
        readVariable ??= Environment.GetEnvironmentVariable;
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, setting) in Map)
        {
            var value = readVariable(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                values[setting] = value.Trim();
            }
        }

        return values.Count == 0 ? configuration : configuration.AddInMemoryCollection(values);
    }

    /// <summary>
    /// <c>PORT</c> (as set by most container platforms) makes the app listen on every interface on that port,
    /// unless URLs were configured explicitly.
    /// </summary>
    public static IWebHostBuilder UsePortFromEnvironment(this IWebHostBuilder webHost, IConfiguration configuration)
    {
        var port = Environment.GetEnvironmentVariable("PORT");
        if (string.IsNullOrWhiteSpace(port) || !string.IsNullOrWhiteSpace(configuration["urls"]))
        {
            return webHost;
        }

        if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new InvalidOperationException($"PORT must be a number from 1 to 65535 (it is '{port}').");
        }

        return webHost.UseUrls($"http://0.0.0.0:{number}");
    }
}
