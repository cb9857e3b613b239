namespace OpenChat.Web.Platform;

/// <summary><c>Health:*</c> settings: who sees <c>/readyz</c>'s detail, and how often one client may ask.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>
    /// A secret that shows <c>/readyz</c>'s detail to a caller sending <c>Authorization: Bearer {token}</c> from anywhere.
    /// Without it only the machine itself (a loopback caller that came through no proxy) sees the detail.
    /// </summary>
    public string? DetailToken { get; set; }

    /// <summary><c>/readyz</c> answers per client address per <see cref="ReadyWindow"/>; more get 429.</summary>
    public int ReadyPermitLimit { get; set; } = 120;

    public TimeSpan ReadyWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every problem with the settings, each naming its setting (empty = valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ReadyPermitLimit < 1)
        {
            errors.Add($"Health:ReadyPermitLimit must be at least 1 (it is {ReadyPermitLimit}).");
        }

        if (ReadyWindow <= TimeSpan.Zero)
        {
            errors.Add($"Health:ReadyWindow must be a positive duration, for example 00:01:00 (it is {ReadyWindow}).");
        }

        return errors;
    }
}
