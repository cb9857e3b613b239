using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace OpenChat.Web.Telemetry;

/// <summary>
/// <c>POST /e</c>: the browser snippet's events. Same-origin only, a JSON array of at most 20 events and 8 KB, only the
/// catalogue's browser events with their listed properties (anything else is dropped and counted), rate limited per
/// client. Identity and super properties come from the server, never from the body. It changes no state, so it needs
/// no antiforgery token, but cross-site posts are refused.
/// </summary>
public static class ClientEventIngest
{
    public const string Path = "/e";
    public const int MaxEvents = 20;
    public const int MaxBytes = 8 * 1024;
    private const int MaxStringLength = 512;

    private static long _rejected;

    /// <summary>Client events refused (unknown name, malformed) and properties dropped, since start.</summary>
    public static long Rejected => Interlocked.Read(ref _rejected);

    public static IEndpointRouteBuilder MapClientEventIngest(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, IngestAsync).DisableAntiforgery().WithMetadata(new Platform.RateLimiting.RateLimitedAttribute(Platform.RateLimiting.RateLimitKind.Ingest));
        return endpoints;
    }

    private static async Task<IResult> IngestAsync(HttpContext context, ProductAnalytics analytics)
    {
        if (!IsSameOrigin(context.Request))
        {
            return Results.Text("Events are only accepted from OpenChat's own pages.", statusCode: StatusCodes.Status403Forbidden);
        }

        if (context.Request.ContentLength > MaxBytes)
        {
            return Results.Text($"At most {MaxBytes} bytes of events per request.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = MaxBytes;
        }

        JsonDocument document;
        try
        {
            var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            if (buffer.Length > MaxBytes)
            {
                return Results.Text($"At most {MaxBytes} bytes of events per request.", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            document = JsonDocument.Parse(buffer.ToArray());
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A body without Content-Length (chunked) that runs past the limit: say so, not "must be a JSON array".
            Interlocked.Increment(ref _rejected);
            return Results.Text($"At most {MaxBytes} bytes of events per request.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (Exception e) when (e is JsonException or BadHttpRequestException)
        {
            Interlocked.Increment(ref _rejected);
            return Results.Text("Events must be a JSON array.", statusCode: StatusCodes.Status400BadRequest);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() > MaxEvents)
            {
                Interlocked.Increment(ref _rejected);
                return Results.Text($"Send a JSON array of at most {MaxEvents} events.", statusCode: StatusCodes.Status400BadRequest);
            }

            if (await analytics.ScopeAsync(context) is not { } scope)
            {
                return Results.NoContent(); // nothing may be captured for this visitor: accepted and forgotten
            }

            foreach (var item in document.RootElement.EnumerateArray())
            {
                Accept(item, scope, analytics);
            }
        }

        return Results.NoContent();
    }

    private static void Accept(JsonElement item, TelemetryScope scope, ProductAnalytics analytics)
    {
        if (item.ValueKind != JsonValueKind.Object ||
            !item.TryGetProperty("event", out var nameElement) || nameElement.ValueKind != JsonValueKind.String ||
            EventCatalogue.Find(nameElement.GetString()!) is not { FromBrowser: true } definition)
        {
            Interlocked.Increment(ref _rejected);
            return;
        }

        analytics.Capture(scope, definition.Name, p =>
        {
            if (!item.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var property in properties.EnumerateObject())
            {
                if (!definition.Properties.Contains(property.Name))
                {
                    Interlocked.Increment(ref _rejected);
                    continue;
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        var text = property.Value.GetString()!;
                        p[property.Name] = text.Length > MaxStringLength ? text[..MaxStringLength] : text;
                        break;
                    case JsonValueKind.Number when property.Value.TryGetInt64(out var whole):
                        p[property.Name] = whole;
                        break;
                    case JsonValueKind.Number when property.Value.TryGetDouble(out var number) && double.IsFinite(number):
                        p[property.Name] = number;
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        p[property.Name] = property.Value.GetBoolean();
                        break;
                    default:
                        Interlocked.Increment(ref _rejected);
                        break;
                }
            }
        }, fromBrowser: true);
    }

    private static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site == "same-origin";
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
               string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
