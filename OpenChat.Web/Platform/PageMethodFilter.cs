using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace OpenChat.Web.Platform;

/// <summary>
/// A page answers only the methods it has a handler for: Razor Pages would otherwise render the page for a PUT, DELETE or
/// unknown <c>?handler=</c> without running any handler, and a page model that expects its handler to have loaded data
/// throws (a 500). Such requests get 405 with an <c>Allow</c> header. Error pages re-executed for another status are left alone.
/// </summary>
public sealed class PageMethodFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (context.HandlerMethod is not null ||
            HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ||
            http.Features.Get<IStatusCodeReExecuteFeature>() is not null || http.Features.Get<IExceptionHandlerFeature>() is not null)
        {
            return next();
        }

        var allowed = context.ActionDescriptor.HandlerMethods
            .Where(h => h.Name is null)
            .Select(h => h.HttpMethod.ToUpperInvariant())
            .Append("GET")
            .Distinct();
        http.Response.Headers.Allow = string.Join(", ", allowed);
        context.Result = new ContentResult
        {
            StatusCode = StatusCodes.Status405MethodNotAllowed,
            ContentType = "text/plain; charset=utf-8",
            Content = $"This page does not accept {http.Request.Method} requests.",
        };
        return Task.CompletedTask;
    }
}
