using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Generation;
using OpenChat.Web.Hosting;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Conversations;

/// <summary>Starts the run that writes a stored reply to a stored question (after a send, or a restart).</summary>
public sealed class ReplyStarter(
    IChatRepository chats,
    GenerationRegistry generation,
    ReplyChecks checks,
    ReplyKeyResolver keys,
    ModelPicker models,
    ProductAnalytics analytics,
    IOptions<OpenRouterOptions> openRouter,
    TimeProvider clock)
{
    public async Task<ChatResult<SentMessage>> StartAsync(string ownerId, Chat chat, ChatMessage user, ChatMessage reply, KeyDecision key)
    {
        var modelId = reply.ModelId ?? openRouter.Value.DefaultModel;
        var run = generation.TryStart(new ReplyRequest(ownerId, chat.Id, user, reply, modelId, key.ApiKey!)
        {
            // From memory, so a plain send never waits for the catalogue (a send with files already did, in its check).
            ModelInputs = models.CurrentInputs(modelId),
            KeySource = key.Source,
            RateLimitBucket = key.Source == KeySource.Operator ? $"{keys.DailyLimit(ownerId)}/86400000" : null,
            Telemetry = await analytics.CurrentScopeAsync(),
            AfterStored = key.Ledger is { } entry ? final => RecordCostAsync(entry, final) : null,
        }, checks.MaxRunningReplies);
        if (run is not null)
        {
            await keys.RecordReplyAsync(ownerId, key, CancellationToken.None);
            return new SentMessage(chat, user, reply);
        }

        // Another send (to this chat, or one more of the owner's replies) won the race a moment ago: this reply never starts.
        await chats.UpdateMessageAsync(ownerId, chat.Id, new MessageUpdate(reply.Id, string.Empty, MessageStatus.Interrupted, null, null, clock.StorageNow()), CancellationToken.None);
        return generation.FindRun(ownerId, chat.Id) is null && await checks.CheckRunningLimitAsync(ownerId, chat.Id) is { } busy
            ? busy
            : ChatError.ReplyRunning;
    }

    /// <summary>What an operator-key reply cost counts towards the operator's daily budget.</summary>
    private Task RecordCostAsync(OperatorReply entry, ChatMessage final) =>
        final.Usage?.CostUsd is { } cost and > 0 ? keys.RecordCostAsync(entry, cost, CancellationToken.None) : Task.CompletedTask;
}
