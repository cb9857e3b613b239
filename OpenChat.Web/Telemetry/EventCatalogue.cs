namespace OpenChat.Web.Telemetry;

/// <summary>Where an event may come from.</summary>
public enum EventSource
{
    Server,
    Browser,
    Both,
}

/// <summary>One event of the telemetry contract: its name, where it comes from, when, and the properties it may carry.</summary>
public sealed record EventDefinition(string Name, EventSource Source, string When, IReadOnlyList<string> Properties)
{
    public bool FromBrowser => Source is EventSource.Browser or EventSource.Both;
}

/// <summary>
/// Every event OpenChat sends to PostHog (shared/telemetry.md). <c>docs/telemetry.md</c> is generated from this list
/// and a test checks the two agree; another test fails when an event here is produced by no test.
/// Browser events are accepted by the ingest endpoint only if listed here with <see cref="EventSource.Browser"/> or
/// <see cref="EventSource.Both"/>, and only with the properties listed.
/// </summary>
public static class EventCatalogue
{
    public static IReadOnlyList<EventDefinition> All { get; } =
    [
        new("$pageview", EventSource.Server, "every page render, full or boosted",
            ["$current_url", "$pathname", "$referrer", "referrer_domain", "entry_path", "page", "is_boosted"]),
        new("marketing.visit_landing", EventSource.Server, "the landing page, once per visitor session",
            ["referrer_url", "referrer_domain", "utm_source", "utm_medium", "utm_campaign", "entry_path", "session_is_guest"]),
        new("dashboard.entered", EventSource.Server, "the chat dashboard, once per session",
            ["chat_total", "has_api_key", "entry_path", "brand_theme"]),
        new("chat.created", EventSource.Server, "a chat is created",
            ["chat_id", "source", "storage_backend", "title_length"]),
        new("chat.renamed", EventSource.Server, "a chat is renamed", ["chat_id"]),
        new("chat.deleted", EventSource.Server, "a chat is deleted", ["chat_id", "message_count"]),
        new("chat_message_submitted", EventSource.Server, "a message is accepted",
            ["chat_id", "model_id", "characters", "attachment_count", "has_api_key", "key_source"]),
        new("chat_message_stream", EventSource.Server, "a reply run ends",
            ["chat_id", "model_id", "user_message_id", "assistant_message_id", "characters", "duration_ms", "ttft_ms", "status",
             "openrouter_status", "openrouter_latency_ms", "prompt_tokens", "completion_tokens", "cost_usd", "resumed_streams", "ip_hash", "rate_limit_bucket"]),
        new("$ai_generation", EventSource.Server, "a reply run ends (PostHog LLM analytics)",
            ["$ai_trace_id", "$ai_span_id", "$ai_model", "$ai_provider", "$ai_input_tokens", "$ai_output_tokens", "$ai_total_cost_usd",
             "$ai_latency", "$ai_time_to_first_token", "$ai_http_status", "$ai_is_error", "$ai_error", "$ai_stream", "$ai_max_tokens"]),
        new("chat.rate_limited", EventSource.Server, "any 429 the app gives, or a send refused by the daily limit; `policy` is send, concurrency, daily, auth, new_guest, key_save, import, ingest or global. One event per policy, bucket and client address per minute (`PostHog:RateLimitedEventWindow`), with the first refusal's properties and `refused_count`",
            ["policy", "limit", "window_ms", "retry_after_s", "chat_id", "ip_hash", "origin", "rate_limit_bucket", "refused_count"]),
        new("workspace.fallback_storage_used", EventSource.Server, "a write or read served by the file spool while Postgres is down",
            ["operation", "chat_id", "fallback_size"]),
        new("workspace.fallback_reconciled", EventSource.Server, "the spool was replayed into Postgres",
            ["chats", "messages", "duration_ms", "conflicts"]),
        new("openrouter.key_saved", EventSource.Server, "a key was validated and stored", ["source", "scope", "key_label_present"]),
        new("openrouter.key_removed", EventSource.Server, "a key was removed", ["source"]),
        new("openrouter.key_rejected", EventSource.Server, "OpenRouter refused a key, or could not be reached", ["status", "source"]),
        new("openrouter.models_fetch_failed", EventSource.Server, "the model catalogue could not be fetched",
            ["status", "error_kind", "provider_host", "served_stale"]),
        new("auth.sign_up", EventSource.Server, "an account was created", ["email_domain", "method", "merged_guest_chats"]),
        new("auth.sign_in", EventSource.Server, "a member signed in", ["email_domain", "method", "remember_me", "merged_guest_chats"]),
        new("auth.sign_in_failed", EventSource.Server, "a sign-in was refused", ["reason"]),
        new("auth.sign_out", EventSource.Server, "a member signed out", []),
        new("chat.attachment_event", EventSource.Both, "an attachment was checked (browser before upload, server on send)",
            ["chat_id", "result", "reason", "file_mime", "file_size_bytes", "limit_bytes"]),
        new("settings.changed", EventSource.Server, "a preference was saved", ["setting", "value"]),
        new("marketing.cta_clicked", EventSource.Browser, "a landing call to action was clicked",
            ["cta_id", "cta_copy", "section", "screen_width_bucket"]),
        new("openrouter.key_prompt_shown", EventSource.Server, "the key dialog opened; `reason` is missing, daily_limit or invalid", ["reason"]),
        new("sync.connection_state", EventSource.Browser, "the live connection opened, failed or is retrying",
            ["state", "retry_count", "tab_id"]),
        new("chat.stream_stopped", EventSource.Server, "the person pressed Stop on a running reply", ["chat_id", "elapsed_ms"]),
        new("ui.theme_toggled", EventSource.Browser, "the light/dark toggle was used", ["ui_theme"]),
        new("chat.copy_clicked", EventSource.Browser, "a reply or a code block was copied", ["target"]),
        new("$create_alias", EventSource.Server, "a guest signed up or in: links the guest id to the member id", ["alias"]),
    ];

    private static readonly Dictionary<string, EventDefinition> ByName = All.ToDictionary(e => e.Name, StringComparer.Ordinal);

    public static EventDefinition? Find(string name) => ByName.GetValueOrDefault(name);
}
