using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

/// <summary>
/// Hostile input on every route (read from the endpoint data source): random bytes, invalid UTF-8, huge headers and fields,
/// wrong content types, path traversal and SQL metacharacters in ids, XSS and hx-* payloads in every text field, as a guest,
/// a member and a visitor who keeps changing identity. Generated from a fixed seed, so a failure replays exactly.
/// Nothing may answer 5xx or log an unhandled exception; the victims' data must not change; everything stored comes back inert.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class HostileInputTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    /// <summary>The marker every payload carries: seeing it in text is fine, in a live attribute it is a hole.</summary>
    private const string Marker = "pwned";

    private static readonly string[] TextPayloads =
    [
        "<script>alert('pwned')</script>",
        "\"><img src=x onerror=alert('pwned')>",
        "<svg onload=alert('pwned')>",
        "<a href=\"javascript:alert('pwned')\">click</a>",
        "<div hx-get=\"/pwned\" hx-trigger=\"load\" hx-swap=\"outerHTML\">pwned</div>",
        "<button hx-post=\"/settings/deletechats?pwned\" hx-vals='{\"confirm\":\"DELETE\"}'>pwned</button>",
        "' hx-on:htmx:load=\"alert('pwned')\" x='",
        "<iframe srcdoc=\"<script>alert('pwned')</script>\"></iframe>",
        "<style>body{display:none}</style>pwned",
        "[pwned](javascript:alert('pwned'))",
        "![pwned](javascript:alert('pwned'))",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://pwned.example\">",
        "{{constructor.constructor('alert(\"pwned\")')()}}",
        "</textarea><script>alert('pwned')</script>",
        "</title><script>alert('pwned')</script>",
        "pwned\u0000nul\u202Ertl\uFEFF",
        "pwned 💥 ꙮ 𝕏 \uD800 lone surrogate",
        "<base href=\"https://pwned.example/\">",
        "<form action=\"https://pwned.example\"><input name=q></form>",
        "data:text/html,<script>alert('pwned')</script>",
    ];

    /// <summary>The payloads a client can put in a header at all (printable ASCII).</summary>
    private static readonly string[] HeaderPayloads = [.. TextPayloads.Where(p => p.All(c => c is >= ' ' and <= '~'))];

    private static readonly string[] IdPayloads =
    [
        "../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fkeys", "....//....//", "..\\..\\windows\\win.ini",
        "' OR '1'='1", "1; DROP TABLE chats;--", "\" OR \"\"=\"", "1' UNION SELECT password_hash FROM members--", "$1", "%00", "%",
        "00000000-0000-0000-0000-000000000000", "not-a-guid", "{00000000-0000-0000-0000-000000000000}", "9999999999999999999999",
        "-1", "1e309", "NaN", "null", "undefined", "[]", "{}", "%ff%fe", "%c3%28", new string('a', 3000),
    ];

    private static readonly string[] FieldNames =
    [
        "text", "title", "name", "email", "password", "remember", "returnUrl", "confirm", "key", "source", "uiTheme", "brandTheme",
        "shareUsageData", "model", "chat", "q", "before", "after", "current", "cancel", "tab", "handler", "code",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=----x", "multipart/form-data", "application/json",
        "text/plain", "application/xml", "application/octet-stream", "image/png", "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=nonsense", "text/html", "application/csp-report", "application/reports+json", "",
    ];

    [Fact]
    public Task A_thousand_hostile_requests_on_the_file_store_break_nothing() => RunAsync(new Dictionary<string, string?>(), requests: 1_200, seed: 20261126);

    [Fact]
    public Task Hostile_requests_on_postgres_break_nothing() =>
        RunAsync(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = db.ConnectionString }, requests: 400, seed: 7);

    [Fact]
    public void The_inertness_check_sees_live_payloads_and_passes_escaped_ones()
    {
        var live = new HtmlParser().ParseDocument(
            "<body><script>alert(1)</script><img src=x onerror=alert(1)><div hx-get=\"/pwned\"></div><a href=\" JavaScript:alert(1)\">x</a>" +
            "<p hx-on:click=\"x\"></p><iframe></iframe><span style=\"color:red\"></span></body>");
        var escaped = new HtmlParser().ParseDocument(
            "<body><p>&lt;script&gt;alert('pwned')&lt;/script&gt;</p><input value=\"&lt;div hx-get=&quot;/pwned&quot;&gt;\"><script src=\"/js/openchat.js?v=1\"></script></body>");

        Assert.Equal(7, InertnessProblems(live).Count);
        Assert.Empty(InertnessProblems(escaped));
    }

    private static async Task RunAsync(Dictionary<string, string?> settings, int requests, int seed)
    {
        await using var llm = await FakeOpenRouter.StartAsync();
        settings["OpenRouter:BaseUrl"] = llm.BaseUrl.ToString();
        settings["OpenRouter:ApiKey"] = llm.ValidKey;
        settings["Limits:GuestDailyReplies"] = "100000";
        settings["Limits:MemberDailyReplies"] = "100000";
        settings["RateLimits:Global:PermitLimit"] = "100000";
        using var host = new AppHost(settings).Start();
        // Model output is as untrusted as user text.
        for (var i = 0; i < 200; i++)
        {
            llm.EnqueueReply(FakeReply.Text(TextPayloads[i % TextPayloads.Length], "\n\n", TextPayloads[(i + 7) % TextPayloads.Length]));
        }

        // Victims: never act during the run; their ids are the attackers' favourite targets.
        using var victimGuest = new GuestSession(host);
        var victimGuestChat = await victimGuest.StartChatAsync("Victim guest's chat");
        var victimGuestReply = await ChatPagesTests.WaitUntilIdleAsync(victimGuest, victimGuestChat);
        using var victimMember = new GuestSession(host);
        var victimMemberChat = await victimMember.StartChatAsync("Victim member's chat");
        var victimMemberReply = await ChatPagesTests.WaitUntilIdleAsync(victimMember, victimMemberChat);
        await SignUpAsync(victimMember, "Victim Vera");
        var victimsBefore = (await VictimStateAsync(victimGuest, victimGuestChat), await VictimStateAsync(victimMember, victimMemberChat));

        // Attackers: a guest and a member (each with a chat of their own) and a drifter who signs in, up and out.
        using var guest = new GuestSession(host);
        var guestChat = await guest.StartChatAsync("Guest's own chat");
        var guestReply = await ChatPagesTests.WaitUntilIdleAsync(guest, guestChat);
        using var member = new GuestSession(host);
        var memberChat = await member.StartChatAsync("Member's own chat");
        var memberReply = await ChatPagesTests.WaitUntilIdleAsync(member, memberChat);
        await SignUpAsync(member, "Mallory");
        using var drifter = new GuestSession(host);
        var attackers = new[]
        {
            new Attacker("guest", guest, await guest.GetTokenAsync(), guestChat, guestReply),
            new Attacker("member", member, await member.GetTokenAsync(), memberChat, memberReply),
        };
        var drifting = new Attacker("drifter", drifter, await drifter.GetTokenAsync(), Guid.NewGuid(), Guid.NewGuid());
        var victimIds = new[] { (victimGuestChat, victimGuestReply), (victimMemberChat, victimMemberReply) };

        var routes = await RouteCatalogue.ReadAsync(host.Services);
        var random = new Random(seed);
        var plan = Enumerable.Range(0, requests).Select(i => Plan(random, routes, attackers, drifting, victimIds, i)).ToList();
        Assert.True(routes.All(r => plan.Any(p => p.Route == r)), "Some route got no request: " + string.Join(", ", routes.Where(r => plan.All(p => p.Route != r))));

        var outcomes = new ConcurrentBag<Outcome>();
        var queue = new ConcurrentQueue<HostileRequest>(plan);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var next))
            {
                outcomes.Add(await SendAsync(next));
            }
        })));

        // No 5xx, nothing unhandled; transport errors only where Kestrel may cut a request it refused (huge headers or bodies).
        Assert.Equal(requests, outcomes.Count);
        var failures = outcomes.Where(o => o.Status >= 500 || (o.Error is not null && !o.Request.MayBeCut)).Select(o => o.ToString()).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} requests failed:\n" + string.Join("\n", failures.Take(30)) + "\n\nErrors logged:\n" +
            string.Join("\n", host.LogLines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).Take(10)));
        var unhandled = host.LogLines.Where(l => l.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(unhandled.Count == 0, string.Join("\n", unhandled.Take(5)));
        Assert.True(outcomes.Count(o => o.Status is >= 200 and < 300) > requests / 20, "Too few requests got through to do anything: " + Summary(outcomes));
        var forged = HostileResourceTests.ProductionLogLines(host).Where(l => l.Any(c => c is '\0' or '\u001b' or '\u202E' or '\u2028')).ToList();
        Assert.True(forged.Count == 0, "Control characters from requests reached the log:\n" + string.Join("\n", forged.Take(5)));

        // Every HTML answer along the way was inert (reflected XSS).
        var reflected = outcomes.SelectMany(o => o.Problems.Select(p => $"{o.Request}: {p}")).ToList();
        Assert.True(reflected.Count == 0, string.Join("\n", reflected.Take(20)));

        // An attacker may delete their own chat: that is their right, not an attack that got through.
        var deletedOwnChat = attackers.Where(a => outcomes.Any(o => o.Request.Attacker == a && o.Request.Method == "POST" && o.Status is >= 200 and < 400 &&
            o.Request.Url.StartsWith($"/chat/{a.ChatId:D}/delete", StringComparison.Ordinal))).ToHashSet();

        // Let any replies the attackers started finish, so the stored state is final.
        foreach (var attacker in attackers.Where(a => !deletedOwnChat.Contains(a)))
        {
            await ChatPagesTests.WaitUntilIdleAsync(attacker.Session, attacker.ChatId);
        }

        // The victims' data is exactly as it was.
        Assert.Equal(victimsBefore.Item1, await VictimStateAsync(victimGuest, victimGuestChat));
        Assert.Equal(victimsBefore.Item2, await VictimStateAsync(victimMember, victimMemberChat));

        // The attackers' own stored strings (titles, names, messages, replies) come back inert, on every page that shows them.
        var seenMarkerAsText = false;
        foreach (var attacker in attackers)
        {
            var export = await attacker.Session.Client.GetStringAsync(new Uri("/settings/export", UriKind.Relative));
            using var json = JsonDocument.Parse(export);
            var chats = json.RootElement.GetProperty("chats").EnumerateArray().Select(c => Guid.Parse(c.GetProperty("id").GetString()!)).ToList();
            if (!deletedOwnChat.Contains(attacker))
            {
                Assert.Contains(attacker.ChatId, chats);
            }
            var pages = new List<string> { "/chat", "/settings", "/account", "/chat/list?after=", "/models" };
            pages.AddRange(chats.Take(40).SelectMany(id => new[] { $"/chat/{id:D}", $"/chat/{id:D}/rename", $"/chat/{id:D}/delete" }));
            foreach (var path in pages)
            {
                using var response = await attacker.Session.GetAsync(path, htmx: path.Contains("rename", StringComparison.Ordinal));
                var html = await response.Content.ReadAsStringAsync();
                Assert.True((int)response.StatusCode < 500, $"{attacker.Name} GET {path}: {(int)response.StatusCode}");
                if (path.StartsWith("/account", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.Redirect)
                {
                    continue;
                }

                var document = new HtmlParser().ParseDocument(html);
                var problems = InertnessProblems(document);
                Assert.True(problems.Count == 0, $"{attacker.Name} GET {path}:\n" + string.Join("\n", problems));
                var text = document.Body?.TextContent ?? "";
                seenMarkerAsText |= text.Contains("<script>alert('pwned')", StringComparison.Ordinal) || text.Contains("onerror=alert('pwned')", StringComparison.Ordinal) ||
                                    text.Contains("hx-get=\"/pwned\"", StringComparison.Ordinal) || text.Contains("<svg onload=", StringComparison.Ordinal);
            }
        }

        Assert.True(seenMarkerAsText, "No stored payload was shown back as text: the suite stored nothing, so it proved nothing.");
    }

    private static HostileRequest Plan(Random random, IReadOnlyList<AppRoute> routes, Attacker[] attackers, Attacker drifter, (Guid Chat, Guid Message)[] victims, int index)
    {
        // Every route early on, then random ones.
        var route = index < routes.Count ? routes[index] : routes[random.Next(routes.Count)];
        // Routes that sign in, up or out, delete the account, or replace the session stamp (which revokes the attacker's
        // other requests in flight with the old cookie) belong to the drifter.
        var identityChanging = route.Template.StartsWith("/account/sign", StringComparison.Ordinal)
            || route.Template == "/account/guest-key"
            || (route.Template == "/account" && route.Handler is "Delete" or "Others" or "Password" or "Email");
        var attacker = identityChanging ? drifter : attackers[random.Next(attackers.Length)];
        var kind = (Kind)random.Next(Enum.GetValues<Kind>().Length);
        var (targetChat, targetMessage) = random.Next(3) switch
        {
            0 => victims[random.Next(victims.Length)],
            1 => (attacker.ChatId, attacker.MessageId),
            _ => (Guid.NewGuid(), Guid.NewGuid()),
        };
        var url = route.Url(name => kind == Kind.HostileIds && random.Next(2) == 0
            ? Escape(Pick(random, IdPayloads), random)
            : name switch
            {
                "id" => targetChat.ToString("D"),
                "messageId" => targetMessage.ToString("D"),
                "verb" => Pick(random, ["stop", "retry", "regenerate"]),
                _ => Escape(Pick(random, IdPayloads), random),
            });
        if (kind is Kind.HostileIds or Kind.Xss or Kind.Xss2 && random.Next(2) == 0)
        {
            var query = string.Join('&', Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
                $"{Pick(random, FieldNames)}={Escape(kind == Kind.Xss ? Pick(random, TextPayloads) : Pick(random, IdPayloads), random)}"));
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
        }

        var withToken = random.Next(10) < 8;
        var htmx = random.Next(2) == 0;
        var headers = new List<(string, string)>();
        if (htmx)
        {
            headers.Add(("HX-Request", "true"));
            headers.Add(("HX-Current-URL", random.Next(4) == 0 ? Pick(random, HeaderPayloads) : "http://127.0.0.1/chat"));
        }

        if (withToken && htmx)
        {
            headers.Add(("RequestVerificationToken", attacker.Token));
        }

        byte[]? body = null;
        string? contentType = null;
        var mayBeCut = false;
        switch (kind)
        {
            case Kind.RandomBytes:
                body = new byte[random.Next(0, 8192)];
                random.NextBytes(body);
                contentType = Pick(random, ContentTypes);
                break;
            case Kind.InvalidUtf8:
                body = [.. Encoding.ASCII.GetBytes(Form(random, attacker, withToken && !htmx, TextPayloads) + "&text=bad"), 0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80, 0xF0, 0x28, 0x8C, 0x28,
                    .. Encoding.ASCII.GetBytes("&title=%C3%28%FF%FE&name=%ED%A0%80")];
                contentType = "application/x-www-form-urlencoded";
                break;
            case Kind.HugeHeader:
                mayBeCut = true;
                headers.Add(random.Next(3) switch
                {
                    0 => ("X-Junk", new string('h', random.Next(20_000, 70_000))),
                    1 => ("Cookie", "oc_id=" + new string('c', random.Next(5_000, 40_000))),
                    _ => ("HX-Current-URL", "http://127.0.0.1/" + new string('u', random.Next(10_000, 40_000))),
                });
                for (var i = 0; i < random.Next(0, 150); i++)
                {
                    headers.Add(($"X-Many-{i}", Pick(random, HeaderPayloads)));
                }

                body = Encoding.UTF8.GetBytes(Form(random, attacker, withToken && !htmx, TextPayloads));
                contentType = "application/x-www-form-urlencoded";
                break;
            case Kind.HugeField:
                mayBeCut = true;
                var huge = new string(Pick(random, TextPayloads)[0], random.Next(10) == 0 ? 2_000_000 : random.Next(20_000, 200_000));
                body = Encoding.UTF8.GetBytes(Form(random, attacker, withToken && !htmx, TextPayloads) + $"&{Pick(random, FieldNames)}={Uri.EscapeDataString(huge)}");
                contentType = "application/x-www-form-urlencoded";
                break;
            case Kind.WrongContentType:
                body = Encoding.UTF8.GetBytes(random.Next(2) == 0
                    ? JsonSerializer.Serialize(FieldNames.ToDictionary(f => f, _ => Pick(random, TextPayloads)))
                    : Form(random, attacker, withToken && !htmx, TextPayloads));
                contentType = Pick(random, ContentTypes.Where(c => !c.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) || c.Contains("charset", StringComparison.Ordinal)).ToArray());
                break;
            case Kind.HostileIds:
                body = Encoding.UTF8.GetBytes(Form(random, attacker, withToken && !htmx, IdPayloads));
                contentType = "application/x-www-form-urlencoded";
                break;
            default:
                body = Encoding.UTF8.GetBytes(Form(random, attacker, withToken && !htmx, TextPayloads));
                contentType = "application/x-www-form-urlencoded";
                break;
        }

        if (route.Method == "GET" && random.Next(3) != 0)
        {
            body = null;
        }

        return new HostileRequest(index, route, attacker, kind, route.Method, url, headers, body, contentType, mayBeCut);
    }

    /// <summary>Every field name with a payload (a field of the routes' forms, or noise); the token in the form when asked.</summary>
    private static string Form(Random random, Attacker attacker, bool token, string[] payloads)
    {
        var fields = FieldNames.Where(f => f != "confirm" || random.Next(2) == 0)
            .Select(f => $"{f}={Uri.EscapeDataString(f == "confirm" ? "DELETE " + Marker : Pick(random, payloads))}");
        return string.Join('&', token ? fields.Append("__RequestVerificationToken=" + Uri.EscapeDataString(attacker.Token)) : fields);
    }

    private static async Task<Outcome> SendAsync(HostileRequest planned)
    {
        using var request = new HttpRequestMessage(new HttpMethod(planned.Method), new Uri(planned.Url, UriKind.Relative));
        foreach (var (name, value) in planned.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (planned.Body is not null)
        {
            request.Content = new ByteArrayContent(planned.Body);
            if (planned.ContentType is { Length: > 0 })
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", planned.ContentType);
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var response = await planned.Attacker.Session.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var problems = new List<string>();
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType == "text/html")
            {
                var html = await response.Content.ReadAsStringAsync(timeout.Token);
                problems.AddRange(InertnessProblems(new HtmlParser().ParseDocument(html.Contains("<html", StringComparison.OrdinalIgnoreCase) ? html : "<body>" + html + "</body>")));
            }

            // An event stream never ends: its headers are the answer.
            return new Outcome(planned, (int)response.StatusCode, null, problems);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return new Outcome(planned, 0, e.GetType().Name + ": " + e.Message, []);
        }
    }

    /// <summary>What would make this page run or act on attacker text: script, handlers, hx-* and URLs carrying the marker.</summary>
    internal static List<string> InertnessProblems(IDocument document)
    {
        var problems = new List<string>();
        foreach (var element in document.All)
        {
            var name = element.LocalName;
            if (name == "script" && (element.GetAttribute("src") is not { } src || !(src.StartsWith("/lib/htmx/", StringComparison.Ordinal) || src.StartsWith("/js/openchat.js", StringComparison.Ordinal)) || element.TextContent.Length > 0))
            {
                problems.Add("script: " + element.OuterHtml[..Math.Min(120, element.OuterHtml.Length)]);
            }

            if (name is "iframe" or "object" or "embed" or "base" or "style" or "frame" or "frameset")
            {
                problems.Add($"<{name}> element");
            }

            if (name == "meta" && element.GetAttribute("http-equiv") is { } equiv && (!equiv.Equals("refresh", StringComparison.OrdinalIgnoreCase) || !int.TryParse(element.GetAttribute("content"), out _)))
            {
                problems.Add("meta http-equiv: " + element.OuterHtml);
            }

            foreach (var attribute in element.Attributes)
            {
                var attributeName = attribute.Name.ToLowerInvariant();
                var value = attribute.Value.Trim().ToLowerInvariant();
                if (attributeName.StartsWith("on", StringComparison.Ordinal) || attributeName.StartsWith("hx-on", StringComparison.Ordinal) || attributeName == "style" || attributeName == "srcdoc")
                {
                    problems.Add($"{attributeName}= on <{name}>");
                }

                if ((attributeName.StartsWith("hx-", StringComparison.Ordinal) || attributeName.StartsWith("sse-", StringComparison.Ordinal) || attributeName.StartsWith("data-hx", StringComparison.Ordinal) ||
                     attributeName is "href" or "src" or "action" or "formaction" or "xlink:href" or "poster" or "background") &&
                    value.Contains(Marker, StringComparison.Ordinal))
                {
                    problems.Add($"{attributeName}=\"{attribute.Value}\" on <{name}> carries attacker text");
                }

                if (attributeName is "href" or "src" or "action" or "formaction" or "xlink:href" &&
                    (value.StartsWith("javascript:", StringComparison.Ordinal) || value.StartsWith("vbscript:", StringComparison.Ordinal) || value.StartsWith("data:text/html", StringComparison.Ordinal)))
                {
                    problems.Add($"{attributeName}=\"{attribute.Value}\" on <{name}>");
                }
            }
        }

        return problems;
    }

    /// <summary>What the victim has: their export (without its time stamp), the thread's title and messages, and their account's fields.</summary>
    private static async Task<string> VictimStateAsync(GuestSession victim, Guid chatId)
    {
        var export = await victim.Client.GetStringAsync(new Uri("/settings/export", UriKind.Relative));
        using var json = JsonDocument.Parse(export);
        var state = new StringBuilder(json.RootElement.GetProperty("chats").GetRawText());
        var thread = await victim.GetDocumentAsync($"/chat/{chatId:D}");
        state.AppendLine(thread.QuerySelector("#thread-title")?.TextContent);
        foreach (var message in thread.QuerySelectorAll("article[data-role]"))
        {
            state.AppendLine(message.GetAttribute("data-role") + ": " + message.QuerySelector(".msg-text, .prose")?.TextContent);
        }

        using var account = await victim.GetAsync("/account");
        if (account.StatusCode == HttpStatusCode.OK)
        {
            var page = new HtmlParser().ParseDocument(await account.Content.ReadAsStringAsync());
            foreach (var input in page.QuerySelectorAll("input:not([type=hidden])"))
            {
                state.AppendLine(input.GetAttribute("name") + "=" + input.GetAttribute("value"));
            }
        }

        return state.ToString();
    }

    private static async Task SignUpAsync(GuestSession session, string name)
    {
        using var response = await session.PostAsync("/account/sign-up", new Dictionary<string, string>
        {
            ["name"] = name, ["email"] = $"{name.Replace(' ', '.')}-{Guid.NewGuid():N}@example.com", ["password"] = "correct horse battery",
        });
        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.Redirect, $"sign-up: {response.StatusCode}");
    }

    private static string Escape(string value, Random random) => random.Next(3) == 0 ? value.Replace(" ", "%20", StringComparison.Ordinal) : Uri.EscapeDataString(value);

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Summary(IEnumerable<Outcome> outcomes) =>
        string.Join(", ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));

    private enum Kind
    {
        RandomBytes,
        InvalidUtf8,
        HugeHeader,
        HugeField,
        WrongContentType,
        HostileIds,
        Xss,
        Xss2, // XSS payloads are weighted three times: they are the requests that store things
        Xss3,
    }

    private sealed record Attacker(string Name, GuestSession Session, string Token, Guid ChatId, Guid MessageId);

    private sealed record HostileRequest(int Index, AppRoute Route, Attacker Attacker, Kind Kind, string Method, string Url, List<(string, string)> Headers, byte[]? Body, string? ContentType, bool MayBeCut)
    {
        public override string ToString() => $"#{Index} {Kind} as {Attacker.Name}: {Method} {(Url.Length > 150 ? Url[..150] + "…" : Url)}";
    }

    private sealed record Outcome(HostileRequest Request, int Status, string? Error, List<string> Problems)
    {
        public override string ToString() => $"{Request} → {(Error ?? Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
    }
}
