using System.Net;
using System.Security.Cryptography;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// Every state-changing way into the app (read from its endpoint data source, so a new one cannot be missed) refuses a request
/// without a valid antiforgery token with 400, and changes nothing on disk.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class AntiforgeryTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    /// <summary>The only state-changing routes that take no token, and why. Each must still exist and still change nothing.</summary>
    private static readonly Dictionary<string, string> Exempt = new()
    {
        ["POST /e"] = "telemetry ingest: the browser snippet's events; it stores nothing, checks the origin and is rate limited",
        ["POST /csp-report"] = "browsers post CSP reports without any token; it only counts",
        ["POST /Error"] = "the status page re-executed for errors of any method ([IgnoreAntiforgeryToken]); it only renders",
        ["PUT /Error"] = "as POST /Error",
        ["PATCH /Error"] = "as POST /Error",
        ["DELETE /Error"] = "as POST /Error",
        ["POST /healthz"] = "health checks answer every method and only read",
        ["PUT /healthz"] = "as POST /healthz",
        ["PATCH /healthz"] = "as POST /healthz",
        ["DELETE /healthz"] = "as POST /healthz",
        ["POST /readyz"] = "as POST /healthz",
        ["PUT /readyz"] = "as POST /healthz",
        ["PATCH /readyz"] = "as POST /healthz",
        ["DELETE /readyz"] = "as POST /healthz",
    };

    [Fact]
    public async Task Every_state_changing_request_without_a_valid_token_is_refused_with_400_and_changes_nothing()
    {
        var host = fixture.Host;
        var routes = (await RouteCatalogue.ReadAsync(host.Services)).Where(r => r.IsStateChanging()).ToList();
        Assert.Contains(routes, r => r.Template == "/chat/{id:guid}/rename" && r.Method == "POST");
        Assert.Contains(routes, r => r.Template == "/settings/{handler?}" && r.Handler == "DeleteChats");
        foreach (var exempt in Exempt.Keys)
        {
            Assert.True(routes.Any(r => Key(r) == exempt), $"{exempt} is listed as exempt but no longer exists: remove it from the list.");
        }

        // A member with a chat, a finished reply and a theme; another visitor whose token is valid, but for someone else.
        using var member = new GuestSession(host);
        var chatId = await member.StartChatAsync("Keep this chat exactly as it is");
        var replyId = await ChatPagesTests.WaitUntilIdleAsync(member, chatId);
        using (var signUp = await member.PostAsync("/account/sign-up", new Dictionary<string, string>
        {
            ["name"] = "Antiforgery Ann", ["email"] = $"ann-{Guid.NewGuid():N}@example.com", ["password"] = "correct horse battery",
        }))
        {
            Assert.True(signUp.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.Redirect, $"sign-up: {signUp.StatusCode}");
        }

        using var stranger = new GuestSession(host);
        using (await stranger.PostAsync("/settings/appearance", new Dictionary<string, string> { ["uiTheme"] = "dark" }))
        {
        }

        var strangersToken = await stranger.GetTokenAsync();
        var before = Snapshot(host.DataPath);
        var failures = new List<string>();

        foreach (var route in routes.Where(r => !Exempt.ContainsKey(Key(r))))
        {
            var url = route.Url(name => name switch
            {
                "id" => chatId.ToString("D"),
                "messageId" => replyId.ToString("D"),
                "attachmentId" => Guid.NewGuid().ToString("D"),
                "format" => "json",
                "verb" => "regenerate",
                _ => throw new Xunit.Sdk.XunitException($"{route}: the test does not know a value for {{{name}}}; add one."),
            });

            foreach (var (variant, token, htmx) in new[] { ("no token, form", (string?)null, false), ("no token, htmx", null, true), ("someone else's token", strangersToken, true) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), url)
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["text"] = "forged", ["title"] = "forged", ["name"] = "forged", ["confirm"] = "DELETE", ["uiTheme"] = "light",
                        ["key"] = "sk-or-v1-forged", ["model"] = "forged/model", ["shareUsageData"] = "false",
                    }),
                };
                if (htmx)
                {
                    request.Headers.Add("HX-Request", "true");
                }

                if (token is not null)
                {
                    request.Headers.Add("RequestVerificationToken", token);
                }

                using var response = await member.Client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.BadRequest)
                {
                    failures.Add($"{route} → {url} ({variant}): {(int)response.StatusCode}");
                }
                else if (htmx && !(body.Contains("This page is out of date", StringComparison.Ordinal) && response.Headers.TryGetValues("HX-Retarget", out var target) && target.Single() == "#toasts"))
                {
                    failures.Add($"{route} → {url} ({variant}): no toast saying the page is out of date");
                }
                else if (!htmx && !body.Contains("That request could not be accepted", StringComparison.Ordinal))
                {
                    failures.Add($"{route} → {url} ({variant}): no page saying the request was refused");
                }
            }
        }

        foreach (var exempt in routes.Where(r => Exempt.ContainsKey(Key(r))))
        {
            using var request = new HttpRequestMessage(new HttpMethod(exempt.Method), exempt.Url(_ => ""))
            {
                Content = new StringContent("[]", System.Text.Encoding.UTF8, "application/json"),
            };
            using var response = await member.Client.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{exempt}: {(int)response.StatusCode}");
        }

        Assert.Empty(failures);
        Assert.Equal(before, Snapshot(host.DataPath));
        var page = await member.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal("Keep this chat exactly as it is", page.QuerySelector("#thread-title")!.TextContent);
    }

    private static string Key(AppRoute route) => $"{route.Method} {route.Template}";

    /// <summary>Every stored file and a hash of its content (the file store is the whole state; <c>.probe</c> is /readyz's write check).</summary>
    internal static SortedDictionary<string, string> Snapshot(string dataPath) => new(
        Directory.EnumerateFiles(dataPath, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != ".probe")
            .ToDictionary(
                f => Path.GetRelativePath(dataPath, f),
                f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))),
        StringComparer.Ordinal);
}
