using System.Globalization;
using System.Text.Json.Serialization;

namespace OpenChat.Web.OpenRouter;

/// <summary>
/// One model from OpenRouter's catalogue. Prices are USD per token, parsed exactly from OpenRouter's decimal
/// strings; null when OpenRouter does not say (or says the price varies, which it sends as a negative number).
/// </summary>
public sealed record ModelInfo(
    string Id,
    string Name,
    int? ContextLength,
    decimal? PromptPrice,
    decimal? CompletionPrice,
    IReadOnlyList<string> InputModalities)
{
    /// <summary>The part of the id before <c>/</c>, e.g. <c>openai</c> for <c>openai/gpt-4o-mini</c>.</summary>
    [JsonIgnore]
    public string Provider => Id.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 ? Id[..slash] : Id;

    /// <summary>The provider as the name spells it ("OpenAI" from "OpenAI: GPT-4o-mini"), else the id's provider part.</summary>
    [JsonIgnore]
    public string ProviderName => SplitName().Provider ?? Provider;

    /// <summary>The name without its "Provider: " prefix, as shown inside a provider's group and on the picker button.</summary>
    [JsonIgnore]
    public string ShortName => SplitName().Model;

    [JsonIgnore]
    public bool AcceptsImages => InputModalities.Contains("image", StringComparer.OrdinalIgnoreCase);

    [JsonIgnore]
    public bool AcceptsFiles => InputModalities.Contains("file", StringComparer.OrdinalIgnoreCase);

    /// <summary>What the model reads besides text, as the attachment checks need it.</summary>
    [JsonIgnore]
    public Chats.Attachments.ModelInputs Inputs => new(ShortName, AcceptsImages, AcceptsFiles, Known: true);

    /// <summary>"$0.15 / $0.60 per 1M" (input / output), "Free", or "Price varies".</summary>
    [JsonIgnore]
    public string PriceLabel => ModelFormat.PricePerMillion(PromptPrice, CompletionPrice);

    /// <summary>"128K context", or null when unknown.</summary>
    [JsonIgnore]
    public string? ContextLabel => ModelFormat.Context(ContextLength);

    /// <summary>True when every term of the query appears in the name, id or provider (case-insensitive).</summary>
    public bool Matches(IReadOnlyList<string> terms)
    {
        foreach (var term in terms)
        {
            if (!Name.Contains(term, StringComparison.OrdinalIgnoreCase)
                && !Id.Contains(term, StringComparison.OrdinalIgnoreCase)
                && !ProviderName.Contains(term, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private (string? Provider, string Model) SplitName()
    {
        var colon = Name.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && colon < Name.Length - 2 ? (Name[..colon].Trim(), Name[(colon + 2)..].Trim()) : (null, Name);
    }
}

/// <summary>How prices and context sizes read in the picker.</summary>
public static class ModelFormat
{
    private const decimal TokensPerMillion = 1_000_000m;

    /// <summary>Input and output price per million tokens, e.g. "$0.15 / $0.60 per 1M".</summary>
    public static string PricePerMillion(decimal? prompt, decimal? completion)
    {
        if (prompt is null || completion is null)
        {
            return "Price varies";
        }

        if (prompt == 0 && completion == 0)
        {
            return "Free";
        }

        return $"{Dollars(prompt.Value * TokensPerMillion)} / {Dollars(completion.Value * TokensPerMillion)} per 1M";
    }

    /// <summary>
    /// Dollars with at least two decimals and up to four, so small prices keep their meaning ($0.075, not $0.08);
    /// below a hundredth of a cent, "&lt;$0.0001".
    /// </summary>
    public static string Dollars(decimal amount)
    {
        if (amount > 0 && amount < 0.0001m)
        {
            return "<$0.0001";
        }

        return "$" + Math.Round(amount, 4, MidpointRounding.AwayFromZero).ToString("#,##0.00##", CultureInfo.InvariantCulture);
    }

    /// <summary>"128K context", "32.8K context", "1.05M context"; null when unknown.</summary>
    public static string? Context(int? tokens) => tokens switch
    {
        null or <= 0 => null,
        >= 1_000_000 => (tokens.Value / 1_000_000m).ToString("0.##", CultureInfo.InvariantCulture) + "M context",
        >= 100_000 => Math.Round(tokens.Value / 1000m, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture) + "K context",
        >= 1000 => (tokens.Value / 1000m).ToString("0.#", CultureInfo.InvariantCulture) + "K context",
        _ => tokens.Value.ToString(CultureInfo.InvariantCulture) + " context",
    };

    /// <summary>Parses one of OpenRouter's decimal price strings exactly; null when missing, unparseable or negative ("varies").</summary>
    public static decimal? ParsePrice(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)
            || !decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var price)
            || price < 0)
        {
            return null;
        }

        return price;
    }
}
