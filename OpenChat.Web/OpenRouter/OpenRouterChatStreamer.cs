using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;

namespace OpenChat.Web.OpenRouter;

/// <summary>
/// Streams a reply from OpenRouter through the OpenAI SDK's <see cref="ChatClient"/>, with OpenRouter's
/// attribution headers, mapping failures to <see cref="UpstreamException"/>. Cancelling the token aborts the
/// upstream HTTP request.
/// </summary>
public sealed class OpenRouterChatStreamer
{
    private readonly OpenRouterOptions _options;

    public OpenRouterChatStreamer(IOptions<OpenRouterOptions> options, IHttpClientFactory httpClients)
    {
        _options = options.Value;
        Transport = new HttpClientPipelineTransport(httpClients.CreateClient(HttpClientName));
    }

    public const string HttpClientName = "openrouter";

    private HttpClientPipelineTransport Transport { get; }

    public async IAsyncEnumerable<UpstreamChunk> StreamAsync(
        string apiKey,
        string model,
        IReadOnlyList<ConversationTurn> conversation,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = CreateClient(apiKey, model);
        var messages = new List<OpenAI.Chat.ChatMessage>(conversation.Count);
        foreach (var turn in conversation)
        {
            messages.Add(turn.Role == MessageRole.User
                ? UserMessage(turn)
                : new AssistantChatMessage(turn.Content));
        }

        var options = new ChatCompletionOptions { MaxOutputTokenCount = _options.MaxOutputTokens };
        var stream = client.CompleteChatStreamingAsync(messages, options, cancellationToken);
        await using var enumerator = stream.GetAsyncEnumerator(cancellationToken);
        var started = false;
        while (true)
        {
            StreamingChatCompletionUpdate update;
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }

                update = enumerator.Current;
            }
            catch (ClientResultException e)
            {
                throw new UpstreamException(Map(e), e);
            }
            catch (ArgumentOutOfRangeException e) when (started && e.Message.Contains("ChatFinishReason", StringComparison.Ordinal))
            {
                // OpenRouter reports an error after streaming began as finish_reason "error", which the SDK cannot parse.
                throw new UpstreamException(new ReplyError(ReplyError.StreamError), e);
            }
            catch (HttpRequestException e)
            {
                throw new UpstreamException(new ReplyError(ReplyError.Network), e);
            }
            catch (IOException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new UpstreamException(new ReplyError(started ? ReplyError.StreamError : ReplyError.Network), e);
            }

            started = true;
            foreach (var part in update.ContentUpdate)
            {
                if (!string.IsNullOrEmpty(part.Text))
                {
                    yield return new UpstreamChunk(part.Text, null);
                }
            }

            if (update.Usage is { } usage)
            {
#pragma warning disable SCME0001 // Patch reads OpenRouter's extra usage field "cost" (USD), which the SDK does not model.
                decimal? cost = usage.Patch.TryGetValue("$.cost"u8, out decimal value) ? value : null;
#pragma warning restore SCME0001
                yield return new UpstreamChunk(null, new MessageUsage(usage.InputTokenCount, usage.OutputTokenCount, cost));
            }
        }
    }

    /// <summary>
    /// A person's message as OpenRouter expects it: the text with text files inlined as fenced blocks, then images as
    /// <c>image_url</c> parts with data URLs and PDFs as <c>file</c> parts (<c>file_data</c> data URL, <c>filename</c>).
    /// </summary>
    public static UserChatMessage UserMessage(ConversationTurn turn)
    {
        if (turn.Attachments.Count == 0 && turn.Omitted.Count == 0)
        {
            return new UserChatMessage(turn.Content);
        }

        var text = new System.Text.StringBuilder(turn.Content);
        foreach (var (file, content) in turn.Attachments.Where(a => a.Attachment.Kind == AttachmentKind.Text))
        {
            var body = System.Text.Encoding.UTF8.GetString(content).TrimStart('\uFEFF');
            var fence = new string('`', Math.Max(3, LongestBacktickRun(body) + 1));
            text.Append("\n\n").Append("File: ").Append(file.FileName).Append('\n')
                .Append(fence).Append('\n').Append(body.TrimEnd('\n', '\r')).Append('\n').Append(fence);
        }

        foreach (var file in turn.Omitted)
        {
            text.Append("\n\n[Attached file not included: ").Append(file.FileName).Append(" (").Append(file.MediaType).Append(")]");
        }

        var parts = new List<ChatMessageContentPart> { ChatMessageContentPart.CreateTextPart(text.ToString()) };
        foreach (var (file, content) in turn.Attachments)
        {
            switch (file.Kind)
            {
                case AttachmentKind.Image:
                    parts.Add(ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(content), file.MediaType));
                    break;
                case AttachmentKind.Pdf:
#pragma warning disable OPENAI001 // file parts are marked experimental in the SDK; the wire shape is the one OpenRouter documents
                    parts.Add(ChatMessageContentPart.CreateFilePart(BinaryData.FromBytes(content), file.MediaType, file.FileName));
#pragma warning restore OPENAI001
                    break;
            }
        }

        return new UserChatMessage(parts);
    }

    private static int LongestBacktickRun(string text)
    {
        int longest = 0, run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }

    private ChatClient CreateClient(string apiKey, string model)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = _options.BaseUrl,
            Transport = Transport,
            NetworkTimeout = Timeout.InfiniteTimeSpan,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        options.AddPolicy(new AttributionPolicy(_options.AppUrl, _options.AppTitle), PipelinePosition.PerCall);
        return new ChatClient(model, new ApiKeyCredential(apiKey), options);
    }

    private static ReplyError Map(ClientResultException e)
    {
        var status = e.Status;
        int? retryAfter = null;
        var response = e.GetRawResponse();
        if (response is not null && response.Headers.TryGetValue("Retry-After", out var header) &&
            int.TryParse(header, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            retryAfter = seconds;
        }

        return status switch
        {
            (int)HttpStatusCode.Unauthorized => new ReplyError(ReplyError.InvalidKey, status),
            (int)HttpStatusCode.PaymentRequired => new ReplyError(ReplyError.NoCredits, status),
            (int)HttpStatusCode.TooManyRequests => new ReplyError(ReplyError.RateLimited, status, retryAfter),
            (int)HttpStatusCode.RequestTimeout => new ReplyError(ReplyError.Timeout, status),
            0 => new ReplyError(ReplyError.Network),
            _ => new ReplyError(ReplyError.Upstream, status),
        };
    }

    private sealed class AttributionPolicy(string referer, string title) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Apply(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Apply(message);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Apply(PipelineMessage message)
        {
            message.Request.Headers.Set("HTTP-Referer", referer);
            message.Request.Headers.Set("X-Title", title);
        }
    }
}
