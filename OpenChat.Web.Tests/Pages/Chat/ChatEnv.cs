using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages.Chat;

/// <summary>One app and one fake OpenRouter for one test.</summary>
internal sealed class ChatEnv : IAsyncDisposable
{
    private ChatEnv(FakeOpenRouter llm, AppHost app)
    {
        Llm = llm;
        App = app;
    }

    public FakeOpenRouter Llm { get; }

    public AppHost App { get; }

    public static async Task<ChatEnv> StartAsync(bool operatorKey = true)
    {
        var llm = await FakeOpenRouter.StartAsync();
        try
        {
            var app = new AppHost(new Dictionary<string, string?>
            {
                ["OpenRouter:BaseUrl"] = llm.BaseUrl.ToString(),
                ["OpenRouter:ApiKey"] = operatorKey ? llm.ValidKey : "",
            }).Start();
            return new ChatEnv(llm, app);
        }
        catch
        {
            await llm.DisposeAsync();
            throw;
        }
    }

    public string Url(string path) => new Uri(App.BaseAddress, path).ToString();

    public async ValueTask DisposeAsync()
    {
        var leaked = App.LogLines.Where(l => l.Contains(Llm.ValidKey, StringComparison.Ordinal)).ToList();
        App.Dispose();
        await Llm.DisposeAsync();
        Assert.Empty(leaked);
    }
}
