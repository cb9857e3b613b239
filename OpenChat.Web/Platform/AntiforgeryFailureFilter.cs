using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;

namespace OpenChat.Web.Platform;

/// <summary>
/// A request refused for a missing or stale antiforgery token (usually a page left open across a sign-in elsewhere, or
/// for days) says so: an htmx request gets a toast instead of the whole error page swapped into its target.
/// </summary>
public sealed class AntiforgeryFailureFilter : IAlwaysRunResultFilter
{
    public static readonly IRefusal Refusal = new OutOfDate();

    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is IAntiforgeryValidationFailedResult && context.HttpContext.Request.IsHtmx())
        {
            context.Result = FragmentResults.Refusal(context.HttpContext.Response, Refusal);
        }
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }

    private sealed class OutOfDate : IRefusal
    {
        public int StatusCode => StatusCodes.Status400BadRequest;

        public string Message => "This page is out of date. Reload it and try again.";

        public RateLimiting.RateLimitRejection? RateLimit => null;
    }
}
