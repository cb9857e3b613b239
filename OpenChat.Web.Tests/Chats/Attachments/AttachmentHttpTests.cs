using System.Net;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats.Attachments;

/// <summary>Attachments over HTTP as the composer sends them (multipart), on the file store.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class AttachmentHttpTests(AttachmentFixture fixture) : IClassFixture<AttachmentFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_image_goes_upstream_as_an_image_url_data_url_with_its_exact_bytes_and_only_its_owner_can_download_it()
    {
        using var owner = new GuestSession(fixture.Host);
        using var stranger = new GuestSession(fixture.Host);
        await stranger.StartChatAsync("Stranger's own chat");

        using var sent = await owner.PostFilesAsync("/chat", "What colour is this?", ("blue.png", AttachmentSamples.Png));

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var chatId = Guid.Parse(sent.Headers.GetValues("HX-Location").Single()["/chat/".Length..]);
        var request = await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("What colour is this?", StringComparison.Ordinal), Patience);
        var content = LastUserContent(request);
        Assert.Equal("text", content[0].GetProperty("type").GetString());
        Assert.Equal("What colour is this?", content[0].GetProperty("text").GetString());
        Assert.Equal("image_url", content[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(AttachmentSamples.Png), content[1].GetProperty("image_url").GetProperty("url").GetString());

        await ChatPagesTests.WaitUntilIdleAsync(owner, chatId);
        var page = await owner.GetDocumentAsync($"/chat/{chatId:D}");
        var thumb = page.QuerySelector("article[data-role='user'] .attachments img")!;
        Assert.Equal("blue.png", thumb.GetAttribute("alt"));
        var url = thumb.GetAttribute("src")!;
        Assert.Matches($"^/chat/{chatId:D}/attachments/[0-9a-f-]{{36}}$", url);

        using (var download = await owner.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(AttachmentSamples.Png, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("blue.png", download.Content.Headers.ContentDisposition.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
            Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        }

        using (var foreign = await stranger.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        using var anonymous = new HttpClient { BaseAddress = fixture.Host.BaseAddress };
        using (var nobody = await anonymous.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        }
    }

    [Fact]
    public async Task Text_files_are_inlined_as_fenced_blocks_that_their_own_fences_cannot_close()
    {
        using var owner = new GuestSession(fixture.Host);

        using var sent = await owner.PostFilesAsync("/chat", "Summarise my notes", ("notes.md", AttachmentSamples.Markdown));

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var request = await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("Summarise my notes", StringComparison.Ordinal), Patience);
        var content = LastUserMessage(request).GetProperty("content");
        var text = content.ValueKind == JsonValueKind.String ? content.GetString() : content.EnumerateArray().Single().GetProperty("text").GetString();
        Assert.Equal("Summarise my notes\n\nFile: notes.md\n````\n# Notes\n\nUse ```code``` fences.\n````", text);
    }

    [Fact]
    public async Task A_pdf_goes_as_a_file_part_to_a_model_that_reads_files()
    {
        using var owner = new GuestSession(fixture.Host);
        await ChooseModelAsync(owner, AttachmentFixture.FileModel);

        using var sent = await owner.PostFilesAsync("/chat", "Read this report", ("report.pdf", AttachmentSamples.Pdf));

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var request = await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("Read this report", StringComparison.Ordinal), Patience);
        Assert.Equal(AttachmentFixture.FileModel, request.Model);
        var part = LastUserContent(request)[1];
        Assert.Equal("file", part.GetProperty("type").GetString());
        Assert.Equal("report.pdf", part.GetProperty("file").GetProperty("filename").GetString());
        Assert.Equal("data:application/pdf;base64," + Convert.ToBase64String(AttachmentSamples.Pdf), part.GetProperty("file").GetProperty("file_data").GetString());
    }

    [Fact]
    public async Task Refused_files_are_explained_next_to_the_composer_and_nothing_is_stored()
    {
        using var owner = new GuestSession(fixture.Host);
        var chatId = await owner.StartChatAsync("A chat to send into");
        await ChatPagesTests.WaitUntilIdleAsync(owner, chatId);
        var before = (await owner.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelectorAll("#thread article").Length;
        var path = $"/chat/{chatId:D}";

        await AssertRefusedAsync(await owner.PostFilesAsync(path, "Too big", ("huge.png", AttachmentSamples.SixMegabytes())),
            HttpStatusCode.RequestEntityTooLarge, "“huge.png” is 6 MB; each file can be at most 5 MB.");
        await AssertRefusedAsync(await owner.PostFilesAsync(path, "Disguised", ("holiday.png", AttachmentSamples.Executable)),
            HttpStatusCode.UnprocessableEntity, "“holiday.png” is not a file OpenChat can send.");
        await AssertRefusedAsync(await owner.PostFilesAsync(path, "PDF for a vision model", ("report.pdf", AttachmentSamples.Pdf)),
            HttpStatusCode.UnprocessableEntity, "GPT-4o-mini cannot read PDFs, so “report.pdf” cannot be sent to it.");
        await AssertRefusedAsync(await owner.PostFilesAsync(path, "Five", [.. Enumerable.Range(1, 5).Select(i => ($"{i}.txt", Encoding.UTF8.GetBytes("x")))]),
            HttpStatusCode.UnprocessableEntity, "at most 4 files");

        await ChooseModelAsync(owner, AttachmentFixture.TextOnlyModel, chatId);
        await AssertRefusedAsync(await owner.PostFilesAsync(path, "Image for a text model", ("blue.png", AttachmentSamples.Png)),
            HttpStatusCode.UnprocessableEntity, "Llama 3.3 70B Instruct cannot read images");

        Assert.Equal(before, (await owner.GetDocumentAsync(path)).QuerySelectorAll("#thread article").Length);
        Assert.False(Directory.Exists(Path.Combine(fixture.Host.DataPath, "owners")) &&
            Directory.EnumerateFiles(Path.Combine(fixture.Host.DataPath, "owners"), "*.bin", SearchOption.AllDirectories)
                .Any(f => f.Contains(chatId.ToString("D"), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_attach_button_says_what_the_chosen_model_reads_and_changes_with_the_model()
    {
        using var owner = new GuestSession(fixture.Host);
        var chatId = await owner.StartChatAsync("Which files?");
        await ChatPagesTests.WaitUntilIdleAsync(owner, chatId);

        var vision = (await owner.GetDocumentAsync($"/chat/{chatId:D}")).QuerySelector("#attach-button")!;
        Assert.Equal("image text", vision.GetAttribute("data-accepts"));
        Assert.Contains("GPT-4o-mini cannot read PDFs", vision.GetAttribute("title"), StringComparison.Ordinal);

        using var chosen = await owner.PostAsync("/models", new Dictionary<string, string> { ["model"] = AttachmentFixture.TextOnlyModel, ["chat"] = chatId.ToString("D") }, currentUrl: $"/chat/{chatId:D}");
        var fragment = new HtmlParser().ParseDocument("<body>" + await chosen.Content.ReadAsStringAsync() + "</body>");
        var swapped = fragment.QuerySelector("#attach-button[hx-swap-oob]")!;
        Assert.Equal("text", swapped.GetAttribute("data-accepts"));
        Assert.Contains("reads text only", swapped.GetAttribute("title"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_over_ten_megabytes_together_are_refused_with_a_sentence_for_the_composer()
    {
        // 10.8 MB: inside the send request's 12 MB limit (beyond it Kestrel closes the connection), over the message's 10 MB.
        using var owner = new GuestSession(fixture.Host);
        var big = new byte[3_600_000];
        AttachmentSamples.Png.CopyTo(big, 0);

        using var response = await owner.PostFilesAsync("/chat", "Three big files", ("1.png", big), ("2.png", big), ("3.png", big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("#composer-error", response.Headers.GetValues("HX-Retarget").Single());
        Assert.Contains("These files add up to 10.3 MB; a message can carry at most 10 MB.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Earlier_images_go_upstream_again_but_only_by_name_to_a_model_that_cannot_read_them()
    {
        using var owner = new GuestSession(fixture.Host);
        using var sent = await owner.PostFilesAsync("/chat", "Look at this", ("blue.png", AttachmentSamples.Png));
        var chatId = Guid.Parse(sent.Headers.GetValues("HX-Location").Single()["/chat/".Length..]);
        await ChatPagesTests.WaitUntilIdleAsync(owner, chatId);

        using (var again = await owner.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "And now? (vision)" }, currentUrl: $"/chat/{chatId:D}"))
        {
            Assert.True(again.IsSuccessStatusCode);
        }

        var vision = await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("And now? (vision)", StringComparison.Ordinal), Patience);
        var first = vision.Json!.Value.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "user").GetProperty("content");
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(AttachmentSamples.Png), first[1].GetProperty("image_url").GetProperty("url").GetString());
        await ChatPagesTests.WaitUntilIdleAsync(owner, chatId);

        await ChooseModelAsync(owner, AttachmentFixture.TextOnlyModel, chatId);
        using (var text = await owner.PostAsync($"/chat/{chatId:D}", new Dictionary<string, string> { ["text"] = "And now? (text only)" }, currentUrl: $"/chat/{chatId:D}"))
        {
            Assert.True(text.IsSuccessStatusCode);
        }

        var textOnly = await fixture.OpenRouter.WaitForRequestAsync(r => r.Body.Contains("And now? (text only)", StringComparison.Ordinal), Patience);
        Assert.DoesNotContain("image_url", textOnly.Body, StringComparison.Ordinal);
        var named = textOnly.Json!.Value.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "user").GetProperty("content");
        var namedText = named.ValueKind == JsonValueKind.String ? named.GetString() : named[0].GetProperty("text").GetString();
        Assert.Equal("Look at this\n\n[Attached file not included: blue.png (image/png)]", namedText);
    }

    [Fact]
    public async Task The_export_lists_each_messages_attachments_by_name_type_and_size()
    {
        using var owner = new GuestSession(fixture.Host);
        using var sent = await owner.PostFilesAsync("/chat", "Keep this", ("blue.png", AttachmentSamples.Png));
        var chatId = Guid.Parse(sent.Headers.GetValues("HX-Location").Single()["/chat/".Length..]);
        await ChatPagesTests.WaitUntilIdleAsync(owner, chatId);

        using var export = await owner.GetAsync("/settings/export");
        using var json = JsonDocument.Parse(await export.Content.ReadAsStringAsync());

        var question = json.RootElement.GetProperty("chats")[0].GetProperty("messages")[0];
        var file = question.GetProperty("attachments").EnumerateArray().Single();
        Assert.Equal(("blue.png", "image/png", AttachmentSamples.Png.Length),
            (file.GetProperty("file_name").GetString(), file.GetProperty("media_type").GetString(), file.GetProperty("size_bytes").GetInt32()));
        Assert.False(json.RootElement.GetProperty("chats")[0].GetProperty("messages")[1].TryGetProperty("attachments", out _));
    }

    internal static async Task ChooseModelAsync(GuestSession owner, string model, Guid? chatId = null)
    {
        var fields = new Dictionary<string, string> { ["model"] = model };
        if (chatId is { } id)
        {
            fields["chat"] = id.ToString("D");
        }

        using var response = await owner.PostAsync("/models", fields);
        Assert.True(response.IsSuccessStatusCode, $"choosing {model}: {(int)response.StatusCode}");
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("#composer-error", response.Headers.GetValues("HX-Retarget").Single());
            var error = new HtmlParser().ParseDocument("<body>" + await response.Content.ReadAsStringAsync() + "</body>").QuerySelector("p.form-error[role=alert]")!;
            Assert.Contains(message, error.TextContent, StringComparison.Ordinal);
        }
    }

    private static JsonElement LastUserMessage(RecordedRequest request) =>
        request.Json!.Value.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user");

    internal static IReadOnlyList<JsonElement> LastUserContent(RecordedRequest request) => [.. LastUserMessage(request).GetProperty("content").EnumerateArray()];
}
