using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats.Attachments;

/// <summary>
/// The app (file store, or Postgres when given a connection string) with the operator key and a fake OpenRouter whose
/// catalogue also has a model that reads PDFs (<see cref="FileModel"/>).
/// </summary>
public class AttachmentFixture : IAsyncLifetime
{
    public const string VisionModel = "openai/gpt-4o-mini";
    public const string TextOnlyModel = "meta-llama/llama-3.3-70b-instruct";
    public const string FileModel = "anthropic/claude-sonnet-4";

    public FakeOpenRouter OpenRouter { get; private set; } = null!;

    public AppHost Host { get; private set; } = null!;

    protected virtual string? ConnectionString => null;

    public virtual async Task InitializeAsync()
    {
        OpenRouter = await FakeOpenRouter.StartAsync();
        OpenRouter.Models.Add(new FakeModel(FileModel, "Anthropic: Claude Sonnet 4", "0.000003", "0.000015", 200000, ["text", "image", "file"]));
        Host = new AppHost(new Dictionary<string, string?>
        {
            ["OpenRouter:BaseUrl"] = OpenRouter.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = OpenRouter.ValidKey,
            ["Limits:GuestDailyReplies"] = "1000",
            // The PDF model is not a cheap one: this operator lets its free replies use it.
            ["Limits:OperatorModels:0"] = VisionModel,
            ["Limits:OperatorModels:1"] = TextOnlyModel,
            ["Limits:OperatorModels:2"] = FileModel,
            ["ConnectionStrings:Postgres"] = ConnectionString,
        }).Start();
    }

    public virtual async Task DisposeAsync()
    {
        Host.Dispose();
        await OpenRouter.DisposeAsync();
    }
}
