using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Chats.Attachments;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages;

/// <summary>Attaching files in a real Chromium: the browser's own checks, chips, sending, thumbnails and downloads.</summary>
[Trait("Category", TestCategories.Browser)]
public sealed partial class AttachmentBrowserTests
{
    private static readonly TimeSpan UpstreamWait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_image_reaches_a_vision_model_with_its_exact_bytes_and_shows_as_a_thumbnail_only_its_owner_can_download()
    {
        await using var env = await StartAsync();
        await SharedBrowser.RunAsync(nameof(An_image_reaches_a_vision_model_with_its_exact_bytes_and_shows_as_a_thumbnail_only_its_owner_can_download), async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            var files = page.Locator("#composer-files");
            var chips = page.Locator("#composer-files-list li");
            var error = page.Locator("#composer-error");

            await files.SetInputFilesAsync(Payload("blue.png", "image/png", AttachmentSamples.Png));
            await Assertions.Expect(chips).ToHaveCountAsync(1);
            await Assertions.Expect(chips.First).ToContainTextAsync("blue.png");

            // Refused in the browser before any upload, with the reason next to the composer.
            await files.SetInputFilesAsync(Payload("huge.png", "image/png", AttachmentSamples.SixMegabytes()));
            await Assertions.Expect(error).ToContainTextAsync("huge.png: files can be at most 5 MB each and 10 MB together.");
            await files.SetInputFilesAsync(Payload("holiday.png", "image/png", AttachmentSamples.Executable));
            await Assertions.Expect(error).ToContainTextAsync("holiday.png: not a file OpenChat can send.");
            await Assertions.Expect(chips).ToHaveCountAsync(1);

            // A second choice adds to the first; a chip's × removes its file.
            await files.SetInputFilesAsync(Payload("notes.md", "text/markdown", AttachmentSamples.Markdown));
            await Assertions.Expect(chips).ToHaveCountAsync(2);
            await page.GetByRole(AriaRole.Button, new() { Name = "Remove notes.md" }).ClickAsync();
            await Assertions.Expect(chips).ToHaveCountAsync(1);
            Assert.Equal(1, await files.EvaluateAsync<int>("input => input.files.length"));

            await page.GetByLabel("Message", new() { Exact = true }).FillAsync("What colour is this?");
            await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

            var request = await env.Llm.WaitForRequestAsync(r => r.Body.Contains("What colour is this?", StringComparison.Ordinal), UpstreamWait);
            var image = request.Json!.Value.GetProperty("messages").EnumerateArray().Last().GetProperty("content").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "image_url");
            Assert.Equal("data:image/png;base64," + Convert.ToBase64String(AttachmentSamples.Png), image.GetProperty("image_url").GetProperty("url").GetString());

            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/chat/[0-9a-f-]{36}$"));
            await Assertions.Expect(chips).ToHaveCountAsync(0);
            var thumb = page.Locator("#thread article[data-role=user] .attachments img");
            await Assertions.Expect(thumb).ToHaveAttributeAsync("alt", "blue.png");
            await page.WaitForFunctionAsync("() => { const img = document.querySelector('#thread .attachments img'); return img && img.complete && img.naturalWidth === 48; }");

            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#thread .attachment-thumb").ClickAsync());
            Assert.Equal("blue.png", download.SuggestedFilename);
            Assert.Equal(AttachmentSamples.Png, await File.ReadAllBytesAsync((await download.PathAsync())!));

            // Someone else (another browser context, so another guest) gets 404 for the same address.
            var url = env.Url((await thumb.GetAttributeAsync("src"))!.TrimStart('/'));
            await using var stranger = await page.Context.Browser!.NewContextAsync(SharedBrowser.DefaultContextOptions());
            var strangerPage = await stranger.NewPageAsync();
            await strangerPage.GotoAsync(env.Url("chat"));
            var foreign = await strangerPage.APIRequest.GetAsync(url);
            Assert.Equal(404, foreign.Status);
        });
    }

    [Fact]
    public async Task A_text_only_model_makes_the_attach_button_say_why_and_refuses_images_and_pdfs_in_the_browser()
    {
        await using var env = await StartAsync();
        await SharedBrowser.RunAsync(nameof(A_text_only_model_makes_the_attach_button_say_why_and_refuses_images_and_pdfs_in_the_browser), async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            var attach = page.Locator("#attach-button");
            await Assertions.Expect(attach).ToHaveAttributeAsync("data-accepts", "image text");

            await page.Locator("#model-button").ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Choose a model" });
            await dialog.GetByRole(AriaRole.Combobox, new() { Name = "Search models" }).FillAsync("llama");
            await Assertions.Expect(dialog.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
            await dialog.GetByRole(AriaRole.Option).ClickAsync();
            await Assertions.Expect(page.Locator("#model-button")).ToContainTextAsync("Llama 3.3 70B Instruct");

            await Assertions.Expect(attach).ToHaveAttributeAsync("data-accepts", "text");
            await Assertions.Expect(attach).ToHaveAttributeAsync("title", new Regex("Llama 3.3 70B Instruct reads text only"));
            await page.Locator("#composer-files").SetInputFilesAsync(Payload("report.pdf", "application/pdf", AttachmentSamples.Pdf));
            await Assertions.Expect(page.Locator("#composer-error")).ToContainTextAsync("report.pdf: Attach text files (up to 4, 5 MB each). Llama 3.3 70B Instruct reads text only");
            await Assertions.Expect(page.Locator("#composer-files-list li")).ToHaveCountAsync(0);
            await page.Locator("#composer-files").SetInputFilesAsync(Payload("notes.md", "text/markdown", AttachmentSamples.Markdown));
            await Assertions.Expect(page.Locator("#composer-files-list li")).ToHaveCountAsync(1);
        });
    }

    [Fact]
    public async Task An_image_dropped_on_the_composer_or_pasted_into_it_is_added()
    {
        await using var env = await StartAsync();
        await SharedBrowser.RunAsync(nameof(An_image_dropped_on_the_composer_or_pasted_into_it_is_added), async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            var png = Convert.ToBase64String(AttachmentSamples.Png);
            await page.EvaluateAsync(
                """
                b64 => {
                  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                  const transfer = name => { const dt = new DataTransfer(); dt.items.add(new File([bytes], name, { type: 'image/png' })); return dt; };
                  const box = document.querySelector('#composer-message');
                  box.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer('dropped.png') }));
                  box.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: transfer('pasted.png') }));
                }
                """, png);

            await Assertions.Expect(page.Locator("#composer-files-list li")).ToHaveCountAsync(2);
            Assert.Equal(2, await page.Locator("#composer-files").EvaluateAsync<int>("input => input.files.length"));
        });
    }

    [Theory]
    [InlineData("light", 1280)]
    [InlineData("dark", 1280)]
    [InlineData("light", 390)]
    [InlineData("dark", 390)]
    public async Task Composer_chips_and_thread_thumbnails_look_right(string scheme, int width)
    {
        await using var env = await StartAsync();
        var options = SharedBrowser.DefaultContextOptions();
        options.ViewportSize = new() { Width = width, Height = 800 };
        options.ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
        var name = $"attachments-{scheme}-{width}";
        await SharedBrowser.RunAsync(name, async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            await page.Locator("#composer-files").SetInputFilesAsync(
            [
                Payload("blue.png", "image/png", AttachmentSamples.Png),
                Payload("meeting-notes-for-the-quarterly-review.md", "text/markdown", AttachmentSamples.Markdown),
            ]);
            await Assertions.Expect(page.Locator("#composer-files-list li")).ToHaveCountAsync(2);
            await page.GetByLabel("Message", new() { Exact = true }).FillAsync("Here is the chart and my notes. What stands out?");
            await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), name + "-composer.png") });
            await Accessibility.AssertNoSeriousViolationsAsync(page);

            await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            await Assertions.Expect(page.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });
            await page.WaitForFunctionAsync("() => { const img = document.querySelector('#thread .attachments img'); return img && img.complete && img.naturalWidth > 0; }");
            await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), name + "-thread.png") });
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"The page is {overflow} px wider than the viewport at {width} px");
            await Accessibility.AssertNoSeriousViolationsAsync(page);
        }, options);
    }

    private static FilePayload Payload(string name, string mime, byte[] bytes) => new() { Name = name, MimeType = mime, Buffer = bytes };

    private static async Task<AttachmentEnv> StartAsync()
    {
        var env = new AttachmentEnv();
        await env.InitializeAsync();
        return env;
    }

    private sealed class AttachmentEnv : AttachmentFixture, IAsyncDisposable
    {
        public FakeOpenRouter Llm => OpenRouter;

        public string Url(string path) => new Uri(Host.BaseAddress, path).ToString();

        ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
    }
}
