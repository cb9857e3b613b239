using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Platform.RateLimiting;

/// <summary>
/// The built-in rate limiter with one partitioned limiter for everything: each request counts in the partition
/// <see cref="RateLimitTarget"/> names (a token bucket for sending, fixed windows for the rest). A refusal is a
/// 429 with <c>Retry-After</c>, a toast for htmx or the error page otherwise, and <c>chat.rate_limited</c>.
/// Running replies are limited where they run (<see cref="Generation.GenerationRegistry"/>), not per request.
/// </summary>
public static class RateLimitingServiceCollectionExtensions
{
    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<AddressLimiters>();
        services.AddSingleton<Accounts.INewGuestGate>(sp => sp.GetRequiredService<AddressLimiters>());
        services.AddRateLimiter(static _ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            var settings = limits.Value;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, RateLimitTarget>(context => Partition(RateLimitTarget.Find(context), settings));
            o.OnRejected = (rejected, _) => RejectAsync(rejected, settings);
        });
        return services;
    }

    /// <summary>After routing (the endpoint says which limit applies) and authentication (the owner).</summary>
    public static WebApplication UseRateLimits(this WebApplication app)
    {
        app.Use(static async (context, next) =>
        {
            await RateLimitTarget.ResolveAsync(context);
            if (RateLimitTarget.Find(context) is { Kind: RateLimitKind.SignIn } signIn &&
                context.RequestServices.GetRequiredService<AddressLimiters>().TrySignIn(signIn.Address) is { } tooMany)
            {
                await AnswerAsync(context, tooMany, null);
                return;
            }

            try
            {
                await next(context);
            }
            catch (RateLimitedException e) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await AnswerAsync(context, e.Rejection, null);
            }
        });
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The partition of requests no limit applies to (the partition key cannot be null).</summary>
    private static readonly RateLimitTarget Unlimited = new(RateLimitKind.Global, "\0unlimited", false);

    private static RateLimitPartition<RateLimitTarget> Partition(RateLimitTarget? target, RateLimitOptions settings)
    {
        if (target is null)
        {
            return RateLimitPartition.GetNoLimiter(Unlimited);
        }

        if (target.Kind == RateLimitKind.Send)
        {
            var send = settings.Send;
            return RateLimitPartition.GetTokenBucketLimiter<RateLimitTarget>(target, t => new TokenBucketRateLimiterOptions
            {
                TokenLimit = send.Burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = send.Window / send.PermitsFor(t.IsMember),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }

        var limit = target.Kind switch
        {
            RateLimitKind.SignIn => settings.SignIn,
            RateLimitKind.SignUp => settings.SignUp,
            RateLimitKind.KeySave => settings.KeySave,
            RateLimitKind.Import => settings.Import,
            RateLimitKind.Ingest => settings.Ingest,
            _ => settings.Global,
        };
        return RateLimitPartition.GetFixedWindowLimiter<RateLimitTarget>(target, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, RateLimitOptions settings)
    {
        var context = rejected.HttpContext;
        var target = RateLimitTarget.Find(context) ?? new RateLimitTarget(RateLimitKind.Global, string.Empty, false);
        TimeSpan? retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
        var rejection = RateLimitRejection.For(target, settings, retryAfter);
        Guid? chatId = target.Kind == RateLimitKind.Send && Guid.TryParse(context.GetRouteValue("id") as string, out var id) ? id : null;
        await AnswerAsync(context, rejection, chatId);
    }

    private static async Task AnswerAsync(HttpContext context, RateLimitRejection rejection, Guid? chatId)
    {
        await rejection.CaptureAsync(context.RequestServices.GetRequiredService<ProductAnalytics>(), chatId);
        if (rejection.Policy == "ingest")
        {
            rejection.Apply(context);
            await context.Response.WriteAsync(rejection.Message, context.RequestAborted);
        }
        else if (context.Request.WantsFragment())
        {
            rejection.ApplyToast(context);
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(rejection.ToastHtml, context.RequestAborted);
        }
        else
        {
            // No body: the status code pages re-execute /Error, which shows the rejection's sentence in the full layout.
            rejection.Apply(context);
        }
    }

    private sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
