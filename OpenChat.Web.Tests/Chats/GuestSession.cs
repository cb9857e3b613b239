using System.Net;
using System.Net.ServerSentEvents;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

/// <summary>
/// One visitor talking to the app over HTTP like a browser with htmx would: its own cookie jar, the
/// antiforgery token read from the page, htmx request headers when asked for, and its tab's live stream.
/// </summary>
public sealed class GuestSession : IDisposable
{
    private readonly Uri _baseAddress;
    private readonly HttpClient _client;
    private string? _token;

    /// <param name="cookies">Pass another session's <see cref="Cookies"/> to be the same visitor (for example on a restarted app).</param>
    public GuestSession(AppHost host, CookieContainer? cookies = null)
        : this(host.BaseAddress, cookies)
    {
    }

    /// <summary>A visitor of an app at any address (for example a child process, <see cref="AppProcess"/>).</summary>
    /// <param name="cookies">Another session's <see cref="Cookies"/>: the same visitor. Cookies are kept per host name, and every app here is on 127.0.0.1.</param>
    public GuestSession(Uri baseAddress, CookieContainer? cookies = null)
    {
        _baseAddress = baseAddress;
        Cookies = cookies ?? new CookieContainer();
        _client = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
        };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Client => _client;

    public async Task<string> GetTokenAsync()
    {
        if (_token is null)
        {
            using var response = await _client.GetAsync(new Uri("/chat", UriKind.Relative));
            await RefreshTokenAsync(response);
        }

        return _token!;
    }

    public async Task<HttpResponseMessage> GetAsync(string path, bool htmx = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return await _client.SendAsync(request);
    }

    /// <summary>Posts a form; with <paramref name="htmx"/> the token goes in the header as htmx sends it, else in the form.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, IDictionary<string, string>? fields = null, bool htmx = true, bool withToken = true, string? currentUrl = null)
    {
        var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>());
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (withToken)
        {
            var token = await GetTokenAsync();
            if (htmx)
            {
                request.Headers.Add("RequestVerificationToken", token);
            }
            else
            {
                form["__RequestVerificationToken"] = token;
            }
        }

        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
            request.Headers.Add("HX-Current-URL", new Uri(_baseAddress, currentUrl ?? "/chat").ToString());
        }

        request.Content = new FormUrlEncodedContent(form);
        var response = await _client.SendAsync(request);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Redirect)
        {
            // The first write makes this visitor a guest; tokens are bound to the identity, so read a fresh one.
            _token = null;
        }

        return response;
    }

    /// <summary>Sends a message with files as the composer does (multipart, htmx headers, token in the header).</summary>
    public async Task<HttpResponseMessage> PostFilesAsync(string path, string text, params (string Name, byte[] Content)[] files)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("RequestVerificationToken", await GetTokenAsync());
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("HX-Current-URL", new Uri(_baseAddress, path).ToString());
        var form = new MultipartFormDataContent { { new StringContent(text), "text" } };
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        request.Content = form;
        var response = await _client.SendAsync(request);
        if (response.IsSuccessStatusCode)
        {
            _token = null;
        }

        return response;
    }

    /// <summary>Creates a chat from the dashboard; returns its id.</summary>
    public async Task<Guid> StartChatAsync(string text)
    {
        using var response = await PostAsync("/chat", new Dictionary<string, string> { ["text"] = text });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var location = response.Headers.GetValues("HX-Location").Single();
        return Guid.Parse(location["/chat/".Length..]);
    }

    /// <summary>Opens this visitor's live stream for a chat, as a tab would.</summary>
    public async Task<LiveStream> OpenLiveStreamAsync(Guid? chatId)
    {
        var tab = Guid.NewGuid().ToString("N")[..16];
        var path = chatId is null ? $"/chat/live?tab={tab}" : $"/chat/live?chat={chatId:D}&tab={tab}";
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new LiveStream(response, await response.Content.ReadAsStreamAsync());
    }

    public async Task<AngleSharp.Dom.IDocument> GetDocumentAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RefreshTokenAsync(response);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    private async Task RefreshTokenAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var document = new HtmlParser().ParseDocument(html);
        _token = document.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value");
    }

    public void Dispose() => _client.Dispose();

    /// <summary>A tab's live stream: events in order, read until a condition holds (with a deadline).</summary>
    public sealed class LiveStream(HttpResponseMessage response, Stream body) : IAsyncDisposable
    {
        private readonly IAsyncEnumerator<SseItem<string>> _events = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();

        public List<SseItem<string>> Received { get; } = [];

        public async Task<SseItem<string>> WaitForAsync(Func<SseItem<string>, bool> match, TimeSpan? timeout = null)
        {
            using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
            var next = _events.MoveNextAsync().AsTask();
            while (true)
            {
                var finished = await Task.WhenAny(next, Task.Delay(Timeout.Infinite, deadline.Token).ContinueWith(_ => false, TaskScheduler.Default));
                if (finished != next)
                {
                    throw new TimeoutException("The live stream did not send the expected event in time. Received: " +
                        string.Join(" | ", Received.Select(e => $"{e.EventType}: {Shorten(e.Data)}")));
                }

                if (!await next)
                {
                    throw new InvalidOperationException("The live stream ended.");
                }

                var item = _events.Current;
                Received.Add(item);
                if (match(item))
                {
                    return item;
                }

                next = _events.MoveNextAsync().AsTask();
            }
        }

        private static string Shorten(string data) => data.Length > 200 ? data[..200] + "…" : data;

        public async ValueTask DisposeAsync()
        {
            response.Dispose();
            await body.DisposeAsync();
        }
    }
}
