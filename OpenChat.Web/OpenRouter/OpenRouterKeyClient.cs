using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace OpenChat.Web.OpenRouter;

/// <summary><c>GET {base}/key</c>: whether OpenRouter accepts a key, and what credit it has left.</summary>
public sealed class OpenRouterKeyClient(IHttpClientFactory httpClients, IOptions<OpenRouterOptions> options)
{
    public async Task<KeyCheck> CheckAsync(string apiKey, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(OpenRouterChatStreamer.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, options.Value.BaseUrl.ToString().TrimEnd('/') + "/key");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new KeyCheck(KeyCheckResult.Rejected, (int)response.StatusCode, null, null, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new KeyCheck(KeyCheckResult.Unreachable, (int)response.StatusCode, null, null, null);
            }

            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token);
            var data = json.RootElement.TryGetProperty("data", out var d) ? d : json.RootElement;
            return new KeyCheck(KeyCheckResult.Accepted, 200, ReadString(data, "label"), ReadDecimal(data, "limit_remaining"), ReadDecimal(data, "usage"));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return new KeyCheck(KeyCheckResult.Unreachable, 0, null, null, null);
        }
    }

    private static string? ReadString(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static decimal? ReadDecimal(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
            JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }
}

public enum KeyCheckResult
{
    Accepted,
    Rejected,
    Unreachable,
}

/// <summary>What OpenRouter said about a key. <see cref="Label"/> is the key's own name on OpenRouter, never key material.</summary>
public sealed record KeyCheck(KeyCheckResult Result, int Status, string? Label, decimal? LimitRemaining, decimal? Usage);
