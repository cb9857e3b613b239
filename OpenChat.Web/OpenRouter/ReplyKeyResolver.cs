using Microsoft.Extensions.Options;

namespace OpenChat.Web.OpenRouter;

/// <summary>
/// Which OpenRouter key pays for an owner's reply. For now the operator key (<c>OPENROUTER_API_KEY</c>);
/// owners' own saved keys take precedence once the key vault exists.
/// </summary>
public sealed class ReplyKeyResolver(IOptions<OpenRouterOptions> options)
{
    public ValueTask<string?> FindKeyAsync(string? ownerId, CancellationToken cancellationToken)
    {
        _ = ownerId;
        _ = cancellationToken;
        var key = options.Value.ApiKey;
        return ValueTask.FromResult(string.IsNullOrWhiteSpace(key) ? null : key);
    }

    /// <summary>Whether someone could send at all right now (the composer is disabled with a reason otherwise).</summary>
    public async ValueTask<bool> HasKeyAsync(string? ownerId, CancellationToken cancellationToken) =>
        await FindKeyAsync(ownerId, cancellationToken) is not null;
}
