using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Generation;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Telemetry;

/// <summary>
/// When a reply ends (not when it starts: the original's bug), <c>chat_message_stream</c> and PostHog's
/// <c>$ai_generation</c> with real duration, time to first token, tokens and cost. No prompt or output text.
/// </summary>
public sealed class ReplyTelemetry(GenerationRegistry registry, ProductAnalytics analytics, IOptions<OpenRouterOptions> openRouter, TimeProvider clock)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        registry.ReplyFinished += OnReplyFinished;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        registry.ReplyFinished -= OnReplyFinished;
        return Task.CompletedTask;
    }

    private void OnReplyFinished(GenerationRun run, ChatMessage final)
    {
        if (run.Request.Telemetry is not { } scope)
        {
            return;
        }

        var request = run.Request;
        var duration = clock.GetUtcNow() - run.StartedAt;
        var ttft = run.FirstTokenAt - run.StartedAt;
        var error = ReplyError.Parse(final.ErrorKind);
        var status = final.Status switch
        {
            MessageStatus.Complete => "completed",
            MessageStatus.Stopped => "stopped",
            MessageStatus.Interrupted => "interrupted",
            _ => "error",
        };
        var upstreamStatus = error is null ? "ok" : error.HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? error.Kind;
        analytics.Capture(scope, "chat_message_stream", p =>
        {
            p["chat_id"] = request.ChatId.ToString("D");
            p["model_id"] = request.Model;
            p["user_message_id"] = request.UserMessage.Id.ToString("D");
            p["assistant_message_id"] = final.Id.ToString("D");
            p["characters"] = final.Content.Length;
            p["duration_ms"] = (long)duration.TotalMilliseconds;
            p["ttft_ms"] = ttft is { } first ? (long)first.TotalMilliseconds : TelemetryValue.Null;
            p["status"] = status;
            p["openrouter_status"] = upstreamStatus;
            p["openrouter_latency_ms"] = ttft is { } latency ? (long)latency.TotalMilliseconds : TelemetryValue.Null;
            p["prompt_tokens"] = final.Usage?.PromptTokens;
            p["completion_tokens"] = final.Usage?.CompletionTokens;
            p["cost_usd"] = final.Usage?.CostUsd;
            p["resumed_streams"] = run.Resumes;
            p["ip_hash"] = scope.IpHash;
            p["rate_limit_bucket"] = request.RateLimitBucket;
        });
        analytics.Capture(scope, "$ai_generation", p =>
        {
            p["$ai_trace_id"] = request.ChatId.ToString("D");
            p["$ai_span_id"] = final.Id.ToString("D");
            p["$ai_model"] = request.Model;
            p["$ai_provider"] = "openrouter";
            p["$ai_input_tokens"] = final.Usage?.PromptTokens;
            p["$ai_output_tokens"] = final.Usage?.CompletionTokens;
            p["$ai_total_cost_usd"] = final.Usage?.CostUsd;
            p["$ai_latency"] = Math.Round(duration.TotalSeconds, 3);
            p["$ai_time_to_first_token"] = ttft is { } first ? Math.Round(first.TotalSeconds, 3) : TelemetryValue.Null;
            p["$ai_http_status"] = error?.HttpStatus ?? (final.Status == MessageStatus.Error ? null : 200);
            p["$ai_is_error"] = final.Status == MessageStatus.Error;
            p["$ai_error"] = error?.Kind;
            p["$ai_stream"] = true;
            p["$ai_max_tokens"] = openRouter.Value.MaxOutputTokens;
        });
    }
}
