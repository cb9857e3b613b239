using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace OpenChat.Web.Tests.Platform;

/// <summary>One way in: a method and a route template, with the page handler it reaches (if a Razor page).</summary>
/// <param name="Template">The route as written, e.g. <c>/chat/{id:guid}/rename</c>.</param>
/// <param name="Handler">The page handler's name (<c>Key</c> for <c>OnPostKeyAsync</c>), null for the default handler or a minimal API.</param>
public sealed record AppRoute(string Method, string Template, RoutePattern Pattern, string? Handler, bool IsPage)
{
    public override string ToString() => $"{Method} {Template}{(Handler is null ? "" : $" (handler {Handler})")}";

    /// <summary>The URL with each route parameter filled from <paramref name="values"/> (the handler goes in <c>{handler?}</c> or the query).</summary>
    public string Url(Func<string, string> values)
    {
        var path = new System.Text.StringBuilder();
        var handlerInRoute = false;
        foreach (var segment in Pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        path.Append(literal.Content);
                        break;
                    case RoutePatternParameterPart { Name: "handler" }:
                        handlerInRoute = true;
                        path.Append(Handler?.ToLowerInvariant());
                        break;
                    case RoutePatternParameterPart parameter:
                        path.Append(values(parameter.Name));
                        break;
                    case RoutePatternSeparatorPart separator:
                        path.Append(separator.Content);
                        break;
                }
            }
        }

        var url = path.Length == 0 ? "/" : path.ToString().TrimEnd('/');
        url = url.Length == 0 ? "/" : url;
        return Handler is not null && !handlerInRoute ? $"{url}?handler={Handler}" : url;
    }
}

/// <summary>
/// Every way into the running app, read from its <see cref="EndpointDataSource"/> (Razor pages with their compiled handlers,
/// minimal APIs, health checks), so a route added tomorrow is covered by the tests that use this list without anyone editing them.
/// </summary>
public static class RouteCatalogue
{
    private static readonly string[] StateChangingMethods = ["POST", "PUT", "PATCH", "DELETE"];

    public static async Task<IReadOnlyList<AppRoute>> ReadAsync(IServiceProvider services)
    {
        var loader = services.GetRequiredService<PageLoader>();
        var routes = new List<AppRoute>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var template = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                foreach (var handler in compiled.HandlerMethods)
                {
                    routes.Add(new AppRoute(handler.HttpMethod.ToUpperInvariant(), template, endpoint.RoutePattern, handler.Name, IsPage: true));
                }

                // A page answers every method even without a handler for it (rendering the page; antiforgery still applies).
                foreach (var method in (string[])["GET", .. StateChangingMethods])
                {
                    if (!compiled.HandlerMethods.Any(h => h.HttpMethod.Equals(method, StringComparison.OrdinalIgnoreCase) && h.Name is null))
                    {
                        routes.Add(new AppRoute(method, template, endpoint.RoutePattern, null, IsPage: true));
                    }
                }

                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", .. StateChangingMethods];
            foreach (var method in methods.Where(m => m != "HEAD" && m != "OPTIONS"))
            {
                routes.Add(new AppRoute(method.ToUpperInvariant(), template, endpoint.RoutePattern, null, IsPage: false));
            }
        }

        return routes.Distinct().ToList();
    }

    public static bool IsStateChanging(this AppRoute route) => StateChangingMethods.Contains(route.Method);
}
