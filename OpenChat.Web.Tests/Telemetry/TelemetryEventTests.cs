using System.Net;
using System.Text.RegularExpressions;
using OpenChat.Web.Telemetry;
using OpenChat.Web.Tests.Accounts;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Telemetry;

/// <summary>
/// Every catalogue event, produced by driving the app over HTTP (and <c>/e</c> as the browser snippet posts it), as the fake PostHog
/// received it: name, distinct id, the properties that apply, super properties, and no forbidden data anywhere.
/// The journey also checks coverage: it fails when a catalogue event is produced by nothing except the listed not-yet-produced ones.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed partial class TelemetryEventTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task A_whole_journey_sends_every_catalogue_event_with_its_properties_and_no_forbidden_data()
    {
        await using var t = await TelemetryHarness.StartAsync(new Dictionary<string, string?> { ["Limits:GuestDailyReplies"] = "1" });
        var email = TestEmails.New("journey");
        var secretTexts = new List<string>();
        using var visitor = new GuestSession(t.Host);

        // Anonymous: landing and dashboard.
        using (var landing = await visitor.GetAsync("/?utm_source=newsletter&utm_campaign=spring&secret=dropme"))
        {
            Assert.Equal(HttpStatusCode.OK, landing.StatusCode);
        }

        using (var dashboard = await visitor.GetAsync("/chat"))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        }

        var landingView = await t.WaitForAsync("$pageview", e => e.Property("page") == "index");
        var anonymousId = landingView.DistinctId;
        Assert.Equal("anonymous", landingView.Property("auth_state"));
        var visit = await t.WaitForAsync("marketing.visit_landing");
        Assert.Equal(anonymousId, visit.DistinctId);
        Assert.Equal("newsletter", visit.Property("utm_source"));
        Assert.Equal("spring", visit.Property("utm_campaign"));
        Assert.Equal("direct", visit.Property("referrer_domain"));
        Assert.Equal("false", visit.Property("session_is_guest"));
        Assert.Equal("/", visit.Property("entry_path"));
        Assert.EndsWith("/?utm_source=newsletter&utm_campaign=spring", landingView.Property("$current_url"), StringComparison.Ordinal);
        Assert.Equal("/", landingView.Property("$pathname"));
        Assert.Equal("false", landingView.Property("is_boosted"));
        var entered = await t.WaitForAsync("dashboard.entered");
        Assert.Equal(anonymousId, entered.DistinctId);
        Assert.Equal("0", entered.Property("chat_total"));
        Assert.Equal("/chat", entered.Property("entry_path"));
        Assert.True(entered.HasProperty("has_api_key"));

        // First send: the visitor becomes a guest whose events keep the anonymous id (their guest id is a new one).
        const string firstText = "Plan a secret picnic for Zebulon";
        secretTexts.Add(firstText);
        var chatId = await t.StartChatAndWaitAsync(visitor, firstText);
        var chat = chatId.ToString("D");
        var created = await t.WaitForAsync("chat.created");
        Assert.Equal(anonymousId, created.DistinctId);
        Assert.Equal("guest", created.Property("auth_state"));
        Assert.Equal(chat, created.Property("chat_id"));
        Assert.Equal("file", created.Property("storage_backend"));
        Assert.Matches("^(sidebar_button|composer|landing_prompt)$", created.Property("source"));
        Assert.True(int.Parse(created.Property("title_length")!, System.Globalization.CultureInfo.InvariantCulture) > 0);

        var submitted = await t.WaitForAsync("chat_message_submitted");
        Assert.Equal(anonymousId, submitted.DistinctId);
        Assert.Equal(chat, submitted.Property("chat_id"));
        Assert.Equal(firstText.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), submitted.Property("characters"));
        Assert.Equal("0", submitted.Property("attachment_count"));
        Assert.Equal("operator", submitted.Property("key_source"));
        Assert.Equal("false", submitted.Property("has_api_key")); // the person's own key; the operator key is key_source=operator
        Assert.False(string.IsNullOrEmpty(submitted.Property("model_id")));

        var stream = await t.WaitForAsync("chat_message_stream", e => e.Property("chat_id") == chat);
        Assert.Equal(anonymousId, stream.DistinctId);
        Assert.Equal("completed", stream.Property("status"));
        Assert.Equal("ok", stream.Property("openrouter_status"));
        Assert.Equal(FakeReply.DefaultText.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), stream.Property("characters"));
        Assert.Equal("12", stream.Property("prompt_tokens"));
        Assert.Equal("34", stream.Property("completion_tokens"));
        Assert.Equal(0.0000123, double.Parse(stream.Property("cost_usd")!, System.Globalization.CultureInfo.InvariantCulture), 9);
        var duration = long.Parse(stream.Property("duration_ms")!, System.Globalization.CultureInfo.InvariantCulture);
        var ttft = long.Parse(stream.Property("ttft_ms")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ttft, 0, duration);
        Assert.True(duration > 0, "duration_ms is measured");
        Assert.Matches("^[0-9a-f]{16}$", stream.Property("ip_hash"));
        Assert.Equal("1/86400000", stream.Property("rate_limit_bucket"));
        Assert.True(Guid.TryParse(stream.Property("user_message_id"), out _));
        Assert.True(Guid.TryParse(stream.Property("assistant_message_id"), out _));
        Assert.Equal("0", stream.Property("resumed_streams"));

        var generation = await t.WaitForAsync("$ai_generation", e => e.Property("$ai_trace_id") == chat);
        Assert.Equal(anonymousId, generation.DistinctId);
        Assert.Equal("openrouter", generation.Property("$ai_provider"));
        Assert.Equal(stream.Property("assistant_message_id"), generation.Property("$ai_span_id"));
        Assert.Equal(stream.Property("model_id"), generation.Property("$ai_model"));
        Assert.Equal("12", generation.Property("$ai_input_tokens"));
        Assert.Equal("34", generation.Property("$ai_output_tokens"));
        Assert.Equal(0.0000123, double.Parse(generation.Property("$ai_total_cost_usd")!, System.Globalization.CultureInfo.InvariantCulture), 9);
        Assert.Equal("true", generation.Property("$ai_stream"));
        Assert.Equal("false", generation.Property("$ai_is_error"));
        Assert.Equal("200", generation.Property("$ai_http_status"));
        Assert.True(generation.HasProperty("$ai_latency") && generation.HasProperty("$ai_time_to_first_token"));
        Assert.False(generation.HasProperty("$ai_input"));
        Assert.False(generation.HasProperty("$ai_output_choices"));

        // Second send on the operator key: over the daily limit of 1.
        const string secondText = "Another secret about Zebulon";
        secretTexts.Add(secondText);
        using (var limited = await visitor.PostAsync($"/chat/{chat}", new Dictionary<string, string> { ["text"] = secondText }, currentUrl: $"/chat/{chat}"))
        {
            // The answer is the key dialog (a 200, so the page logs no error), saying why.
            Assert.Equal(HttpStatusCode.OK, limited.StatusCode);
            Assert.Equal("daily", limited.Headers.GetValues("X-RateLimit-Policy").Single());
        }

        var prompt = await t.WaitForAsync("openrouter.key_prompt_shown");
        Assert.Equal("daily_limit", prompt.Property("reason"));
        Assert.Equal("openchat-server", prompt.Property("app"));

        var rateLimited = await t.WaitForAsync("chat.rate_limited", e => e.Property("app") == "openchat-server");
        Assert.Equal(anonymousId, rateLimited.DistinctId);
        Assert.Equal("daily", rateLimited.Property("policy"));
        Assert.Equal("1", rateLimited.Property("limit"));
        Assert.Equal("1/86400000", rateLimited.Property("rate_limit_bucket"));
        Assert.Matches("^[0-9a-f]{16}$", rateLimited.Property("ip_hash"));

        // Keys: a wrong one, the right one, removed.
        const string wrongKey = "sk-or-v1-wrongwrongwrongwrongwrong0123456789";
        using (var rejected = await visitor.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = wrongKey, ["source"] = "settings" }, currentUrl: "/settings"))
        {
        }

        var keyRejected = await t.WaitForAsync("openrouter.key_rejected");
        Assert.Equal("401", keyRejected.Property("status"));
        Assert.Equal("settings", keyRejected.Property("source"));
        using (var saved = await visitor.PostAsync("/settings/key", new Dictionary<string, string> { ["key"] = t.OpenRouter.ValidKey, ["source"] = "modal" }, currentUrl: "/chat"))
        {
        }

        var keySaved = await t.WaitForAsync("openrouter.key_saved");
        Assert.Equal(anonymousId, keySaved.DistinctId);
        Assert.Equal("modal", keySaved.Property("source"));
        Assert.Equal("guest", keySaved.Property("scope"));
        Assert.True(keySaved.HasProperty("key_label_present"));
        Assert.False(keySaved.HasProperty("masked_tail"));

        // With their own key the guest sends again (no daily limit).
        const string thirdText = "Third secret: Zebulon likes figs";
        secretTexts.Add(thirdText);
        using (var refused = await visitor.PostFilesAsync($"/chat/{chat}", thirdText, ("zebulon.png", Chats.Attachments.AttachmentSamples.Executable)))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        }

        var rejectedFile = await t.WaitForAsync("chat.attachment_event", e => e.Property("result") == "rejected" && e.Property("app") == "openchat-server");
        Assert.Equal(anonymousId, rejectedFile.DistinctId);
        Assert.Equal(chat, rejectedFile.Property("chat_id"));
        Assert.Equal("type", rejectedFile.Property("reason"));
        Assert.Equal(Chats.Attachments.AttachmentSamples.Executable.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), rejectedFile.Property("file_size_bytes"));
        Assert.Equal("5242880", rejectedFile.Property("limit_bytes"));
        using (var sent = await visitor.PostFilesAsync($"/chat/{chat}", thirdText, ("zebulon.png", Chats.Attachments.AttachmentSamples.Png)))
        {
            Assert.True(sent.IsSuccessStatusCode, $"send with own key: {(int)sent.StatusCode}");
        }

        var acceptedFile = await t.WaitForAsync("chat.attachment_event", e => e.Property("result") == "accepted" && e.Property("app") == "openchat-server");
        Assert.Equal(chat, acceptedFile.Property("chat_id"));
        Assert.Equal("image/png", acceptedFile.Property("file_mime"));
        Assert.Equal(Chats.Attachments.AttachmentSamples.Png.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), acceptedFile.Property("file_size_bytes"));
        Assert.False(acceptedFile.HasProperty("reason"));
        var ownKey = await t.WaitForAsync("chat_message_submitted", e => e.Property("key_source") == "user");
        Assert.Equal("true", ownKey.Property("has_openrouter_key"));
        Assert.Equal("1", ownKey.Property("attachment_count"));
        await t.WaitForAsync("chat_message_stream", e => e.Property("user_message_id") != stream.Property("user_message_id"));

        var doomedId = await t.StartChatAndWaitAsync(visitor, "Doomed secret chat about Zebulon");
        secretTexts.Add("Doomed secret chat about Zebulon");
        using (var removed = await visitor.PostAsync("/settings/removekey", currentUrl: "/settings"))
        {
        }

        Assert.Equal("settings", (await t.WaitForAsync("openrouter.key_removed")).Property("source"));

        // Preferences.
        using (var appearance = await visitor.PostAsync("/settings/appearance", new Dictionary<string, string> { ["uiTheme"] = "dark", ["brandTheme"] = "green" }, currentUrl: "/settings"))
        {
        }

        var themeChanged = await t.WaitForAsync("settings.changed", e => e.Property("setting") == "ui_theme");
        Assert.Equal("dark", themeChanged.Property("value"));
        Assert.Equal("green", (await t.WaitForAsync("settings.changed", e => e.Property("setting") == "brand_theme")).Property("value"));
        using (var model = await visitor.PostAsync("/models", new Dictionary<string, string> { ["model"] = "meta-llama/llama-3.3-70b-instruct" }))
        {
        }

        Assert.Equal("meta-llama/llama-3.3-70b-instruct", (await t.WaitForAsync("settings.changed", e => e.Property("setting") == "model_id")).Property("value"));
        using (var sharing = await visitor.PostAsync("/settings/privacy", new Dictionary<string, string> { ["shareUsageData"] = "true" }, currentUrl: "/settings"))
        {
        }

        Assert.Equal("true", (await t.WaitForAsync("settings.changed", e => e.Property("setting") == "share_usage_data")).Property("value"));

        // Rename and delete.
        const string secretTitle = "Zebulon's secret birthday";
        secretTexts.Add(secretTitle);
        using (var renamed = await visitor.PostAsync($"/chat/{chat}/rename", new Dictionary<string, string> { ["title"] = secretTitle }, currentUrl: $"/chat/{chat}"))
        {
            Assert.True(renamed.IsSuccessStatusCode);
        }

        Assert.Equal(chat, (await t.WaitForAsync("chat.renamed")).Property("chat_id"));
        using (var deleted = await visitor.PostAsync($"/chat/{doomedId:D}/delete", currentUrl: $"/chat/{chat}"))
        {
            Assert.True(deleted.IsSuccessStatusCode || deleted.StatusCode == HttpStatusCode.Redirect);
        }

        var deletedEvent = await t.WaitForAsync("chat.deleted");
        Assert.Equal(doomedId.ToString("D"), deletedEvent.Property("chat_id"));
        Assert.Equal("2", deletedEvent.Property("message_count"));

        // Browser events, as the snippet posts them.
        using (var ingest = await TelemetryHarness.PostClientEventsAsync(visitor, new object[]
        {
            new { @event = "marketing.cta_clicked", properties = new { cta_id = "hero_try_openchat", cta_copy = "Try OpenChat", section = "hero", screen_width_bucket = "lg" } },
            new { @event = "openrouter.key_prompt_shown", properties = new { reason = "missing" } },
            new { @event = "sync.connection_state", properties = new { state = "retry", retry_count = 2, tab_id = "tab1" } },
            new { @event = "chat.rate_limited", properties = new { policy = "send", retry_after_s = 5, chat_id = chat } },
            new { @event = "chat.stream_stopped", properties = new { chat_id = chat, elapsed_ms = 1234 } },
            new { @event = "ui.theme_toggled", properties = new { ui_theme = "light" } },
            new { @event = "chat.copy_clicked", properties = new { target = "code" } },
            new { @event = "chat.attachment_event", properties = new { chat_id = chat, result = "rejected", reason = "too_large", file_mime = "image/png", file_size_bytes = 6291456, limit_bytes = 5242880 } },
        }))
        {
            Assert.Equal(HttpStatusCode.NoContent, ingest.StatusCode);
        }

        var cta = await t.WaitForAsync("marketing.cta_clicked");
        Assert.Equal(anonymousId, cta.DistinctId);
        Assert.Equal("openchat-web", cta.Property("app"));
        Assert.Equal("hero_try_openchat", cta.Property("cta_id"));
        Assert.Equal("lg", cta.Property("screen_width_bucket"));
        Assert.Equal("2", (await t.WaitForAsync("sync.connection_state")).Property("retry_count"));
        Assert.Equal("light", (await t.WaitForAsync("ui.theme_toggled")).Property("ui_theme"));
        Assert.Equal("code", (await t.WaitForAsync("chat.copy_clicked")).Property("target"));
        // What the server already captures (the key prompt, Stop, rate limits) is not taken from the browser too: never counted twice.
        Assert.DoesNotContain(t.PostHog.Events, e => e.Property("app") == "openchat-web" &&
            e.Event is "openrouter.key_prompt_shown" or "chat.rate_limited" or "chat.stream_stopped");
        var browserFile = await t.WaitForAsync("chat.attachment_event", e => e.Property("app") == "openchat-web");
        Assert.Equal(("rejected", "too_large", "6291456"), (browserFile.Property("result"), browserFile.Property("reason"), browserFile.Property("file_size_bytes")));

        // Accounts: sign up from the guest (alias), sign out (a new id), a failed and a good sign-in.
        using (var signUp = await visitor.PostAsync("/account/sign-up", new Dictionary<string, string> { ["name"] = "Zeb", ["email"] = email, ["password"] = Password }))
        {
            Assert.True(signUp.IsSuccessStatusCode || signUp.StatusCode == HttpStatusCode.Redirect, $"sign-up: {(int)signUp.StatusCode}");
        }

        var alias = await t.WaitForAsync("$create_alias");
        var memberId = alias.DistinctId;
        Assert.NotEqual(anonymousId, memberId);
        Assert.Equal(anonymousId, alias.Property("alias"));
        var signUpEvent = await t.WaitForAsync("auth.sign_up");
        Assert.Equal(memberId, signUpEvent.DistinctId);
        Assert.Equal("member", signUpEvent.Property("auth_state"));
        Assert.Equal("example.com", signUpEvent.Property("email_domain"));
        Assert.Equal("email_password", signUpEvent.Property("method"));
        Assert.Equal("1", signUpEvent.Property("merged_guest_chats"));

        using (var signOut = await visitor.PostAsync("/account/sign-out"))
        {
        }

        Assert.Equal(memberId, (await t.WaitForAsync("auth.sign_out")).DistinctId);
        using (var afterSignOut = await visitor.GetAsync("/chat"))
        {
        }

        var nextView = await t.WaitForAsync("$pageview", e => e.Property("auth_state") == "anonymous" && e.DistinctId != anonymousId);
        Assert.NotEqual(memberId, nextView.DistinctId);

        using (var failed = await visitor.PostAsync("/account/sign-in", new Dictionary<string, string> { ["email"] = email, ["password"] = "not the password" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.StatusCode);
        }

        Assert.Equal("bad_credentials", (await t.WaitForAsync("auth.sign_in_failed")).Property("reason"));
        using (var signIn = await visitor.PostAsync("/account/sign-in", new Dictionary<string, string> { ["email"] = email, ["password"] = Password, ["remember"] = "true" }))
        {
            Assert.True(signIn.IsSuccessStatusCode || signIn.StatusCode == HttpStatusCode.Redirect, $"sign-in: {(int)signIn.StatusCode}");
        }

        var signInEvent = await t.WaitForAsync("auth.sign_in");
        Assert.Equal(memberId, signInEvent.DistinctId);
        Assert.Equal("true", signInEvent.Property("remember_me"));
        Assert.Equal("example.com", signInEvent.Property("email_domain"));

        // A page as a member: super properties of a member.
        using (var memberPage = await visitor.GetAsync("/chat"))
        {
        }

        var memberView = await t.WaitForAsync("$pageview", e => e.DistinctId == memberId);
        Assert.Equal("member", memberView.Property("auth_state"));
        Assert.False(memberView.HasProperty("$process_person_profile"));

        // The model catalogue cannot be fetched (its own app: this one has a good catalogue cached).
        var modelsFailed = await ModelsFetchFailedAsync();

        var all = t.PostHog.Events.Append(modelsFailed).ToList();
        foreach (var e in all)
        {
            TelemetryHarness.AssertWellFormed(e);
            Assert.Equal(EventCatalogue.Find(e.Event)!.Source == EventSource.Browser ? "openchat-web" : e.Property("app"), e.Property("app"));
        }

        Assert.All(all.Where(e => EventCatalogue.Find(e.Event)!.Source == EventSource.Server), e => Assert.Equal("openchat-server", e.Property("app")));
        Assert.Equal(all.Count, all.Select(e => e.Uuid).Distinct().Count());

        // Coverage: every catalogue event except the listed not-yet-produced ones was produced here.
        var produced = all.Select(e => e.Event).ToHashSet(StringComparer.Ordinal);
        var missing = EventCatalogue.All.Select(d => d.Name)
            .Where(n => !produced.Contains(n) && !TelemetryHarness.NotYetProduced.Contains(n) && !TelemetryHarness.CoveredElsewhere.ContainsKey(n)).ToList();
        Assert.True(missing.Count == 0, "Catalogue events no test produces: " + string.Join(", ", missing));
        var unexpectedlyProduced = TelemetryHarness.NotYetProduced.Where(produced.Contains).ToList();
        Assert.True(unexpectedlyProduced.Count == 0, "Now produced, take them off NotYetProduced and assert them: " + string.Join(", ", unexpectedlyProduced));
        foreach (var name in TelemetryHarness.NotYetProduced)
        {
            Assert.NotNull(EventCatalogue.Find(name));
        }

        // Forbidden data: nothing of what the person typed, their key, email or IP, in any request body the fake got.
        var forbidden = secretTexts.Concat([wrongKey, t.OpenRouter.ValidKey, email, "Zebulon", "secret=dropme", "127.0.0.1"]).ToList();
        // The app's own address is 127.0.0.1 too (in $current_url): take it out before looking for the client's IP.
        var appOrigin = t.Host.BaseAddress.GetLeftPart(UriPartial.Authority);
        var bodies = t.PostHog.Batches.Select(b => b.Json.Replace(appOrigin, "APP", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(bodies);
        foreach (var body in bodies)
        {
            foreach (var text in forbidden)
            {
                Assert.False(body.Contains(text, StringComparison.OrdinalIgnoreCase), $"A batch sent to PostHog contains \"{text}\"");
            }

            Assert.DoesNotContain("sk-or-", body, StringComparison.Ordinal);
            Assert.DoesNotContain("@example.com", body, StringComparison.Ordinal);
        }

        Assert.All(t.PostHog.Batches, b => Assert.True(b.Gzip, "batches are gzip-compressed"));
        Assert.All(all.Where(e => e.HasProperty("ip_hash")), e => Assert.Matches("^[0-9a-f]{16}$", e.Property("ip_hash")));
        Assert.All(all.Where(e => e.HasProperty("$current_url")), e => Assert.DoesNotMatch(QueryOtherThanUtm(), e.Property("$current_url")!));
    }

    private static async Task<ReceivedEvent> ModelsFetchFailedAsync()
    {
        await using var t = await TelemetryHarness.StartAsync(prepare: llm => llm.ModelsStatus = 500);
        using var visitor = new GuestSession(t.Host);
        using (var picker = await visitor.GetAsync("/models"))
        {
        }

        var failed = await t.WaitForAsync("openrouter.models_fetch_failed");
        Assert.Equal("openchat-server", failed.DistinctId);
        Assert.Equal("500", failed.Property("status"));
        Assert.Equal("127.0.0.1", failed.Property("provider_host"));
        Assert.Equal("false", failed.Property("served_stale"));
        Assert.False(string.IsNullOrEmpty(failed.Property("error_kind")));
        Assert.Equal("openchat-server", failed.Property("app"));
        TelemetryHarness.AssertWellFormed(failed);
        return failed;
    }

    [GeneratedRegex(@"\?(?!utm_)")]
    private static partial Regex QueryOtherThanUtm();
}
