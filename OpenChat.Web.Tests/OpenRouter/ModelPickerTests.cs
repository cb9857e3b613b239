using System.Net;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.OpenRouter;

/// <summary>The picker's HTTP surface: the dialog, searching, choosing, and what a choice changes.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class ModelPickerTests(ChatFixture fixture) : IClassFixture<ChatFixture>
{
    private const string Llama = "meta-llama/llama-3.3-70b-instruct";
    private const string Gemma = "google/gemma-3-27b-it:free";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_dialog_lists_models_by_provider_with_price_context_and_badges()
    {
        using var guest = new GuestSession(fixture.Host);

        var dialog = await GetFragmentAsync(guest, "/models");

        Assert.NotNull(dialog.QuerySelector("dialog#model-picker[data-modal]"));
        Assert.Equal(["Google", "Meta", "OpenAI"], dialog.QuerySelectorAll("#model-listbox [role=group] .model-group-label").Select(e => e.TextContent));
        var mini = Option(dialog, "openai/gpt-4o-mini");
        Assert.Equal("true", mini.GetAttribute("aria-selected"));
        Assert.Equal("GPT-4o-mini", mini.QuerySelector(".model-option-name")!.TextContent);
        Assert.Equal("$0.15 / $0.60 per 1M", mini.QuerySelector(".model-option-price")!.TextContent);
        Assert.Equal("128K context", mini.QuerySelector(".model-option-context")!.TextContent);
        Assert.Equal(["Image"], mini.QuerySelectorAll(".model-badge").Select(b => b.TextContent));
        Assert.Empty(Option(dialog, Llama).QuerySelectorAll(".model-badge"));
        Assert.Equal("Free", Option(dialog, Gemma).QuerySelector(".model-option-price")!.TextContent);
        Assert.Equal("3 models", dialog.QuerySelector("#model-count")!.TextContent);
        Assert.Null(dialog.QuerySelector(".model-notice"));
        Assert.Null(guest.Cookies.GetCookies(fixture.Host.BaseAddress)["oc_id"]); // looking is not a write
    }

    [Fact]
    public async Task Search_narrows_the_list_on_the_server()
    {
        using var guest = new GuestSession(fixture.Host);

        var list = await GetFragmentAsync(guest, "/models/list?q=llama+70B");

        Assert.Equal([Llama], list.QuerySelectorAll("[role=option]").Select(o => o.GetAttribute("value")));
        Assert.Equal("1 model matches", list.QuerySelector("#model-count[hx-swap-oob]")!.TextContent);

        var none = await GetFragmentAsync(guest, "/models/list?q=%3Cnothing%3E");
        Assert.Empty(none.QuerySelectorAll("[role=option]"));
        Assert.Equal("No models match “<nothing>”.", none.QuerySelector(".model-empty")!.TextContent);
        Assert.NotNull(none.QuerySelector("#model-listbox[hidden]"));
    }

    [Fact]
    public async Task Choosing_on_the_dashboard_sets_the_default_for_new_chats_and_updates_the_button()
    {
        using var guest = new GuestSession(fixture.Host);

        // The first choice makes the visitor a guest, so the page is loaded again for a fresh antiforgery token.
        using (var first = await guest.PostAsync("/models", new Dictionary<string, string> { ["model"] = Gemma }))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
            Assert.Equal("/chat", first.Headers.GetValues("HX-Location").Single());
        }

        // Later choices swap the composer's button in place (and the dialog's slot is emptied).
        using var response = await guest.PostAsync("/models", new Dictionary<string, string> { ["model"] = Llama });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var fragment = new HtmlParser().ParseDocument(html);
        var button = fragment.QuerySelector("a#model-button[hx-swap-oob=true]")!;
        Assert.Equal("Llama 3.3 70B Instruct", button.QuerySelector(".model-button-name")!.TextContent);

        var dashboard = await guest.GetDocumentAsync("/chat");
        Assert.Equal("Llama 3.3 70B Instruct", dashboard.QuerySelector("#composer #model-button .model-button-name")!.TextContent);

        var chatId = await guest.StartChatAsync("Which model are you?");
        await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("Which model are you?", StringComparison.Ordinal) && r.Model == Llama, Patience);
        var thread = await guest.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal($"/models?chat={chatId:D}", thread.QuerySelector("#model-button")!.GetAttribute("hx-get"));
        Assert.Equal("Llama 3.3 70B Instruct", thread.QuerySelector("#model-button .model-button-name")!.TextContent);
    }

    [Fact]
    public async Task Choosing_in_a_chat_changes_its_next_reply_and_the_chat_keeps_its_own_model()
    {
        using var guest = new GuestSession(fixture.Host);
        var first = await guest.StartChatAsync("First chat");
        await ChatPagesTests.WaitUntilIdleAsync(guest, first);
        var second = await guest.StartChatAsync("Second chat");
        await ChatPagesTests.WaitUntilIdleAsync(guest, second);

        using (var chose = await guest.PostAsync("/models", new Dictionary<string, string> { ["model"] = Gemma, ["chat"] = first.ToString("D") }, currentUrl: $"/chat/{first:D}"))
        {
            Assert.Equal(HttpStatusCode.OK, chose.StatusCode);
        }

        var dialog = await GetFragmentAsync(guest, $"/models?chat={first:D}");
        Assert.Equal("true", Option(dialog, Gemma).GetAttribute("aria-selected"));

        using (var sent = await guest.PostAsync($"/chat/{first:D}", new Dictionary<string, string> { ["text"] = "Now with Gemma" }, currentUrl: $"/chat/{first:D}"))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("Now with Gemma", StringComparison.Ordinal) && r.Model == Gemma, Patience);
        await ChatPagesTests.WaitUntilIdleAsync(guest, first);

        // The other chat keeps the model it was made with; the owner's default follows the latest choice.
        using (var sent = await guest.PostAsync($"/chat/{second:D}", new Dictionary<string, string> { ["text"] = "Still the old one" }, currentUrl: $"/chat/{second:D}"))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("Still the old one", StringComparison.Ordinal) && r.Model == "openai/gpt-4o-mini", Patience);
        var dashboard = await guest.GetDocumentAsync("/chat");
        Assert.Equal("Gemma 3 27B (free)", dashboard.QuerySelector("#model-button .model-button-name")!.TextContent);
    }

    [Fact]
    public async Task A_model_not_in_the_catalogue_is_refused_and_nothing_changes()
    {
        using var guest = new GuestSession(fixture.Host);

        using var response = await guest.PostAsync("/models", new Dictionary<string, string> { ["model"] = "evil/not-a-model" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("#model-picker-error", response.Headers.GetValues("HX-Retarget").Single());
        Assert.Contains("That model is not in OpenRouter&#x27;s model list", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var dashboard = await guest.GetDocumentAsync("/chat");
        Assert.Equal("GPT-4o-mini", dashboard.QuerySelector("#model-button .model-button-name")!.TextContent);
    }

    [Fact]
    public async Task Another_owners_chat_answers_404_and_changes_nothing()
    {
        using var owner = new GuestSession(fixture.Host);
        var chatId = await owner.StartChatAsync("Mine");
        await ChatPagesTests.WaitUntilIdleAsync(owner, chatId);
        using var stranger = new GuestSession(fixture.Host);

        using var chose = await stranger.PostAsync("/models", new Dictionary<string, string> { ["model"] = Gemma, ["chat"] = chatId.ToString("D") });
        using var looked = await stranger.GetAsync($"/models?chat={chatId:D}", htmx: true);

        Assert.Equal(HttpStatusCode.NotFound, chose.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, looked.StatusCode);
        var thread = await owner.GetDocumentAsync($"/chat/{chatId:D}");
        Assert.Equal("GPT-4o-mini", thread.QuerySelector("#model-button .model-button-name")!.TextContent);
        var strangerDashboard = await stranger.GetDocumentAsync("/chat");
        Assert.Equal("GPT-4o-mini", strangerDashboard.QuerySelector("#model-button .model-button-name")!.TextContent);
    }

    [Fact]
    public async Task Choosing_needs_the_antiforgery_token()
    {
        using var guest = new GuestSession(fixture.Host);

        using var response = await guest.PostAsync("/models", new Dictionary<string, string> { ["model"] = Llama }, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Without_javascript_the_picker_is_a_page_and_choosing_goes_back_to_the_chat()
    {
        using var guest = new GuestSession(fixture.Host);

        var page = await guest.GetDocumentAsync("/models?q=gemma");
        Assert.Equal([Gemma], page.QuerySelectorAll("form[method=post] [role=option]").Select(o => o.GetAttribute("value")));

        using var response = await guest.PostAsync("/models", new Dictionary<string, string> { ["model"] = Gemma }, htmx: false);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/chat", response.Headers.Location!.OriginalString);
    }

    private static AngleSharp.Dom.IElement Option(AngleSharp.Dom.IDocument document, string id) =>
        document.QuerySelectorAll("[role=option]").Single(o => o.GetAttribute("value") == id);

    private static async Task<AngleSharp.Dom.IDocument> GetFragmentAsync(GuestSession guest, string path)
    {
        using var response = await guest.GetAsync(path, htmx: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }
}
