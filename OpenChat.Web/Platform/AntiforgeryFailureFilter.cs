using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using OpenChat.Web.Chats;

namespace OpenChat.Web.Platform;

/// <summary>
/// A request refused for a missing or stale antiforgery token (usually a page left open across a sign-in elsewhere, or
/// for days) says so: an htmx request gets a toast instead of the whole error page swapped into its target.
/// </summary>
public sealed class AntiforgeryFailureFilter : IAlwaysRunResultFilter
{
    public static readonly ChatError Refusal = new(StatusCodes.Status400BadRequest, "This page is out of date. Reload it and try again.");

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
}
