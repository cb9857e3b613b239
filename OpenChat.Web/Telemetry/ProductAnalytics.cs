using System.Reflection;
using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Telemetry;

/// <summary>
/// The one place events are made: it decides whether this request may be captured at all (key configured, no
/// DNT / GPC, the owner shares usage data), who the event is about, and merges the super properties of the
/// contract into every event. Services call <see cref="CaptureAsync"/> from a
/// request; work that ends later (a reply) keeps a <see cref="TelemetryScope"/>. <c>chat.rate_limited</c>, whoever captures it,
/// is aggregated per policy, bucket and client address per window (<see cref="RateLimitedEvents"/>).
/// </summary>
public sealed class ProductAnalytics(
    IPostHogClient client,
    IHttpContextAccessor http,
    AnonymousVisitorId anonymous,
    IpHasher ipHasher,
    IPreferenceRepository preferences,
    IKeyVaultRepository keys,
    IOptions<OpenRouterOptions> openRouter,
    Storage.Fallback.PostgresBreaker storage,
    IHostEnvironment environment,
    IConfiguration configuration,
    IOptions<PostHogOptions> postHog,
    ILogger<ProductAnalytics> logger) : IDisposable
{
    private const string ScopeItem = "openchat.telemetry.scope";
    private static readonly object NoScope = new();

    private readonly string _appVersion = configuration["APP_VERSION"] is { Length: > 0 } version
        ? version
        : typeof(ProductAnalytics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "dev";

    private readonly string _deployment = configuration["OPENCHAT_DEPLOYMENT"] is { Length: > 0 } deployment
        ? deployment
        : environment.IsProduction() ? "prod" : "local";

    private readonly string _region = configuration["OPENCHAT_REGION"] is { Length: > 0 } region ? region : "local";

    private RateLimitedEvents? _rateLimited;

    public bool IsEnabled => client.IsEnabled;

    /// <summary>Refusals aggregated into <c>chat.rate_limited</c> (created on the first one: nothing runs while telemetry is off).</summary>
    private RateLimitedEvents RateLimited => LazyInitializer.EnsureInitialized(ref _rateLimited, () =>
        new RateLimitedEvents(postHog.Value.RateLimitedEventWindow, (scope, properties) => Capture(scope, RateLimitedEvents.EventName, p => p.SetAll(properties))));

    /// <summary>Sends the <c>chat.rate_limited</c> counts gathered so far (the app is stopping).</summary>
    public void FlushRateLimited() => _rateLimited?.Flush();

    public void Dispose() => _rateLimited?.Dispose();

    /// <summary>Whether the page should run the browser snippet (the same rules as the server's).</summary>
    public async Task<bool> IsAllowedAsync(HttpContext context) => await ScopeAsync(context) is not null;

    /// <summary>The request's scope, or null when nothing may be captured for it. Resolved once per request.</summary>
    public async Task<TelemetryScope?> ScopeAsync(HttpContext context, bool createAnonymousId = true)
    {
        if (context.Items.TryGetValue(ScopeItem, out var cached))
        {
            return cached as TelemetryScope;
        }

        TelemetryScope? scope = null;
        if (client.IsEnabled && !PrivacySignals.OptedOut(context.Request))
        {
            scope = await BuildScopeAsync(context, createAnonymousId);
        }

        context.Items[ScopeItem] = scope ?? NoScope;
        return scope;
    }

    /// <summary>The current request's scope (null outside a request or when nothing may be captured).</summary>
    public Task<TelemetryScope?> CurrentScopeAsync() =>
        client.IsEnabled && http.HttpContext is { } context ? ScopeAsync(context) : Task.FromResult<TelemetryScope?>(null);

    /// <summary>Forgets the request's scope (after the identity changed within it: a guest was issued, someone signed in or out).</summary>
    public static void ResetScope(HttpContext context) => context.Items.Remove(ScopeItem);

    /// <summary>Captures an event about the current request's visitor; does nothing when capturing is not allowed.</summary>
    public async Task CaptureAsync(string name, Action<TelemetryProperties>? fill = null)
    {
        if (client.IsEnabled && http.HttpContext is { } context && await ScopeAsync(context) is { } scope)
        {
            CaptureOrAggregate(scope, name, fill);
        }
    }

    /// <summary>As <see cref="CaptureAsync(string, Action{TelemetryProperties}?)"/>, for properties that come from the scope itself (IP hash, origin).</summary>
    public async Task CaptureAsync(string name, Action<TelemetryProperties, TelemetryScope, HttpContext> fill)
    {
        if (client.IsEnabled && http.HttpContext is { } context && await ScopeAsync(context) is { } scope)
        {
            CaptureOrAggregate(scope, name, p => fill(p, scope, context));
        }
    }

    private void CaptureOrAggregate(TelemetryScope scope, string name, Action<TelemetryProperties>? fill)
    {
        if (name != RateLimitedEvents.EventName)
        {
            Capture(scope, name, fill);
            return;
        }

        try
        {
            var properties = new TelemetryProperties();
            fill?.Invoke(properties);
            RateLimited.Add(scope, properties);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Could not count {Event}", name);
        }
    }

    /// <summary>Captures an event in a scope kept from an earlier request (for example when a reply ends).</summary>
    public void Capture(TelemetryScope scope, string name, Action<TelemetryProperties>? fill = null, bool fromBrowser = false)
    {
        try
        {
            var e = new TelemetryEvent(name, scope.DistinctId) { FromBrowser = fromBrowser };
            fill?.Invoke(e.Properties);
            // An event's own property wins over a super property of the same name (ui.theme_toggled's ui_theme is the
            // theme just chosen, not the saved one).
            foreach (var (key, value) in scope.SuperProperties)
            {
                if (!e.Properties.ContainsKey(key))
                {
                    e.Properties[key] = value;
                }
            }

            e.Properties["app"] = fromBrowser ? "openchat-web" : "openchat-server";
            if (scope.OwnerId is not null)
            {
                // The owner as analytics know them (a guest's analytics id; see OwnerIdentity.AnalyticsId).
                e.Groups["workspace"] = scope.DistinctId;
            }

            if (!scope.IsMember)
            {
                e.Properties["$process_person_profile"] = false;
            }

            client.Capture(e);
        }
        catch (Exception ex)
        {
            // Analytics must never break the product.
            logger.LogDebug(ex, "Could not capture {Event}", name);
        }
    }

    /// <summary>Captures when there is no visitor at all (for example a background fetch), as the server itself.</summary>
    public void CaptureForServer(string name, Action<TelemetryProperties> fill)
    {
        if (!client.IsEnabled)
        {
            return;
        }

        var properties = new TelemetryProperties();
        AddCommonProperties(properties);
        Capture(new TelemetryScope("openchat-server", null, false, properties, null), name, fill);
    }

    private async Task<TelemetryScope?> BuildScopeAsync(HttpContext context, bool createAnonymousId)
    {
        var ownerId = context.FindOwnerId();
        var isMember = context.User.FindFirst(OwnerIdentity.KindClaim)?.Value == "member";
        var saved = ownerId is null ? null : await preferences.FindAsync(ownerId, context.RequestAborted);
        if (saved is { ShareUsageData: false })
        {
            return null;
        }

        string distinctId;
        if (ownerId is not null)
        {
            distinctId = context.User.AnalyticsId(ownerId);
        }
        else if (createAnonymousId)
        {
            distinctId = anonymous.ReadOrCreate(context);
        }
        else if (anonymous.Read(context) is { } existing)
        {
            distinctId = existing;
        }
        else
        {
            return null;
        }

        var (cookieTheme, cookieBrand) = ThemeCookie.Read(context.Request);
        var hasOwnKey = ownerId is not null && await keys.FindAsync(ownerId, context.RequestAborted) is not null;
        var properties = new TelemetryProperties(14);
        AddCommonProperties(properties);
        properties["auth_state"] = isMember ? "member" : ownerId is null ? "anonymous" : "guest";
        properties["workspace_id"] = ownerId is null ? null : distinctId;
        properties["has_openrouter_key"] = hasOwnKey || !string.IsNullOrWhiteSpace(openRouter.Value.ApiKey);
        properties["model_id"] = saved?.ModelId;
        properties["ui_theme"] = saved?.UiTheme ?? cookieTheme;
        properties["brand_theme"] = saved?.BrandTheme ?? cookieBrand;
        return new TelemetryScope(distinctId, ownerId, isMember, properties, ipHasher.Hash(context.Connection.RemoteIpAddress));
    }

    private void AddCommonProperties(TelemetryProperties properties)
    {
        properties["app_version"] = _appVersion;
        properties["deployment"] = _deployment;
        properties["environment"] = environment.EnvironmentName.ToLowerInvariant();
        properties["deployment_region"] = _region;
        properties["storage_backend"] = storage.WireName;
    }
}
