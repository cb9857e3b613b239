using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpenChat.Web.Accounts;

public static class AccountsServiceCollectionExtensions
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddAuthentication(OwnerIdentity.Scheme)
            .AddCookie(OwnerIdentity.Scheme, o =>
            {
                o.Cookie.Name = OwnerIdentity.CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(365);
                o.SlidingExpiration = true;
                o.LoginPath = "/account/sign-in";
                // Member cookies name a member that still exists (and carry their current name).
                o.Events.OnValidatePrincipal = MemberSessions.ValidatePrincipalAsync;
                // Pages decide what a missing identity means (an empty list, a 404); never redirect API-style calls.
                o.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization();
        services.AddSingleton<PreferenceService>();
        services.AddMemoryCache();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPasswordHasher<Member>, PasswordHasher<Member>>();
        services.AddOptions<SignInThrottleOptions>().BindConfiguration("RateLimits");
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<MemberSessions>();
        return services;
    }
}
