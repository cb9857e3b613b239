namespace OpenChat.Web.Platform;

/// <summary>
/// A larger body limit for one handler of a Razor page (all of a page's handlers share one endpoint, so
/// <c>[RequestSizeLimit]</c> would raise it for every one of them). Read by <see cref="RequestSizeLimits"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class HandlerRequestSizeLimitAttribute(string handler, long maxBytes) : Attribute
{
    public string Handler { get; } = handler;

    public long MaxBytes { get; } = maxBytes;
}
