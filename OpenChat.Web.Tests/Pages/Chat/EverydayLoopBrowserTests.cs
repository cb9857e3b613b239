using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Infrastructure;
using OpenChat.Web.Tests.Platform;
using static Microsoft.Playwright.Assertions;

namespace OpenChat.Web.Tests.Pages.Chat;

/// <summary>
/// The loop people repeat fifty times a day (issue 13), in a real Chromium on a desktop (1440×900) and a phone (390 and 360 px):
/// where a chat opens, what fits on a phone, what a saved key does, what the console and the CSP say, where the focus goes.
/// Each test has its own app and fake OpenRouter.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed partial class EverydayLoopBrowserTests
{
    private static readonly ViewportSize Desktop = new() { Width = 1440, Height = 900 };

    /// <summary>Item 1: a long chat opens at its latest message (direct, from the sidebar, back/forward), a search result at its message; no older page is loaded on the way.</summary>
    [Fact]
    public async Task Loop_a_chat_opens_at_its_latest_message_however_it_is_reached()
    {
        await using var env = await ChatEnv.StartAsync(operatorKey: true);
        await SharedBrowser.RunAsync(nameof(Loop_a_chat_opens_at_its_latest_message_however_it_is_reached), async page =>
        {
            await ImportAsync(page, env, LongChat("Long chat Alpha", "alpha"), LongChat("Long chat Bravo", "bravo"));

            await page.GotoAsync(env.Url("chat"));
            await page.Locator("#chat-list a.chat-link", new() { HasText = "Long chat Alpha" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(ThreadUrl());
            var boosted = await AssertAtLatestAsync(page, "alpha reply 99");

            await page.Locator("#chat-list a.chat-link", new() { HasText = "Long chat Bravo" }).ClickAsync();
            await Expect(page.Locator("#thread-title")).ToHaveTextAsync("Long chat Bravo");
            await AssertAtLatestAsync(page, "bravo reply 99");

            await page.GoBackAsync();
            await Expect(page.Locator("#thread-title")).ToHaveTextAsync("Long chat Alpha");
            await AssertAtLatestAsync(page, "alpha reply 99");
            await page.GoForwardAsync();
            await Expect(page.Locator("#thread-title")).ToHaveTextAsync("Long chat Bravo");
            await AssertAtLatestAsync(page, "bravo reply 99");

            // The same height as a direct load: nothing older was loaded on the way.
            await page.GotoAsync(env.Url("chat"));
            await page.Locator("#chat-list a.chat-link", new() { HasText = "Long chat Alpha" }).ClickAsync();
            await Expect(page.Locator("#thread-title")).ToHaveTextAsync("Long chat Alpha");
            await AssertAtLatestAsync(page, "alpha reply 99");
            await page.ReloadAsync();
            var direct = await AssertAtLatestAsync(page, "alpha reply 99");
            Assert.InRange(boosted, direct - 50, direct + 50);

            // A search result opens at the message it found (an old one, on an older page).
            await page.Locator("#chat-search").FillAsync("zebras");
            var hit = page.Locator("#chat-search-results a").First;
            await Expect(hit).ToBeVisibleAsync();
            await hit.ClickAsync();
            var found = page.Locator("#thread article", new() { HasText = "alpha question 7 about zebras" });
            await Expect(found).ToBeInViewportAsync();
        }, new BrowserNewContextOptions { ViewportSize = Desktop, Locale = "en-US", TimezoneId = "UTC" });
    }

    /// <summary>Item 2: every page, in the states a new user meets, fits a 360 and a 390 px wide phone.</summary>
    [Fact]
    public async Task Loop_no_page_is_wider_than_a_phone_at_360_and_390_px()
    {
        await using var noKey = await ChatEnv.StartAsync(operatorKey: false);
        await using var env = await ChatEnv.StartAsync(operatorKey: true);
        env.Llm.EnqueueReply(FakeReply.Text(WideReply));
        var routes = await RouteCatalogue.ReadAsync(env.App.Services);
        var pageRoutes = routes.Where(r => r is { Method: "GET", IsPage: true, Handler: null }).Select(r => r.Template).Distinct().ToList();
        Assert.Contains("/chat/{id:guid}", pageRoutes);

        foreach (var width in (int[])[360, 390])
        {
            var size = new ViewportSize { Width = width, Height = 844 };
            // A guest without any key: the composer invites to add one, and sending opens the key dialog.
            await SharedBrowser.RunAsync($"{nameof(Loop_no_page_is_wider_than_a_phone_at_360_and_390_px)}-nokey-{width}", async page =>
            {
                await page.GotoAsync(noKey.Url("chat"));
                await AssertFitsAsync(page, "/chat without a key");
                await page.GetByLabel("Message", new() { Exact = true }).FillAsync("Hello");
                await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
                var dialog = page.Locator("dialog#key-dialog");
                await Expect(dialog).ToBeVisibleAsync();
                await AssertFitsAsync(page, "the key dialog");
                var save = dialog.GetByRole(AriaRole.Button, new() { Name = "Save key" });
                var box = (await save.BoundingBoxAsync())!;
                Assert.True(box.X >= 0 && box.X + box.Width <= width, $"Save key spans {box.X}..{box.X + box.Width} on a {width} px screen");
                if (width == 390)
                {
                    await SharedBrowser.ScreenshotAsync(page, "loop-key-dialog-390-light");
                }
            }, new BrowserNewContextOptions { ViewportSize = size, Locale = "en-US", TimezoneId = "UTC" });

            // A guest with a chat holding a long code line and a wide table: every page the app has.
            await SharedBrowser.RunAsync($"{nameof(Loop_no_page_is_wider_than_a_phone_at_360_and_390_px)}-routes-{width}", async page =>
            {
                await page.GotoAsync(env.Url("chat"));
                await AssertFitsAsync(page, "/chat");
                await SendAsync(page, "Show me something wide");
                await Expect(page).ToHaveURLAsync(ThreadUrl());
                await Expect(page.Locator("article[data-role=assistant][data-status=complete]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
                var chatId = ThreadUrlPattern().Match(page.Url).Groups[1].Value;
                foreach (var template in pageRoutes)
                {
                    var url = Regex.Replace(template, "\\{[^}]+\\}", m => m.Value.StartsWith("{id", StringComparison.Ordinal) ? chatId : "x");
                    var response = await page.GotoAsync(env.Url(url.TrimStart('/')));
                    if (response is null || !(response.Headers.TryGetValue("content-type", out var type) && type.StartsWith("text/html", StringComparison.Ordinal)))
                    {
                        continue; // a download, not a page
                    }

                    await AssertFitsAsync(page, $"{url} ({response.Status})");
                }
            }, new BrowserNewContextOptions { ViewportSize = size, Locale = "en-US", TimezoneId = "UTC" });
        }
    }

    /// <summary>
    /// Item 6: a whole journey (a refused key, a saved one, streamed replies in a new and an existing chat, Stop, an error mid-stream,
    /// the model picker) logs no CSP violation and no console error. Item 3 on the way: the key saved from the dialog a send opened
    /// sends that message, with its file, and the focus is back in the composer.
    /// </summary>
    [Fact]
    public async Task Loop_a_full_journey_has_no_csp_violation_and_no_console_error_and_a_saved_key_sends_the_waiting_message()
    {
        await using var env = await ChatEnv.StartAsync(operatorKey: false);
        using var client = env.App.CreateHttpClient();
        await SharedBrowser.RunAsync(nameof(Loop_a_full_journey_has_no_csp_violation_and_no_console_error_and_a_saved_key_sends_the_waiting_message), async page =>
        {
            var problems = await WatchAsync(page);
            await page.GotoAsync(env.Url("chat"));
            await page.GetByLabel("Message", new() { Exact = true }).FillAsync("Read my notes please");
            await page.Locator("input[data-attach]").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "apples and pears"u8.ToArray() });
            await Expect(page.Locator("#composer-files-list li")).ToHaveCountAsync(1);
            await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            var dialog = page.Locator("dialog#key-dialog");
            await Expect(dialog).ToBeVisibleAsync();

            // A refused key: the dialog says why and stays.
            await dialog.GetByLabel("OpenRouter API key").FillAsync("sk-or-v1-not-a-real-key-000000000000");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
            await Expect(dialog.Locator("#openrouter-key-error")).ToBeVisibleAsync();

            // A good one: the waiting message goes, with its file, and the focus is in the composer.
            var gate = NewGate();
            env.Llm.EnqueueReply(FakeReply.Text("Pears ", "are ", "nice.") with { Gate = gate });
            await page.Locator("dialog#key-dialog").GetByLabel("OpenRouter API key").FillAsync(env.Llm.ValidKey);
            await page.Locator("dialog#key-dialog").GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(ThreadUrl());
            var question = page.Locator("#thread article[data-role=user]");
            await Expect(question).ToContainTextAsync("Read my notes please");
            await Expect(question).ToContainTextAsync("notes.txt");
            await Expect(page.Locator("#composer-message")).ToBeFocusedAsync();
            await Expect(page.Locator("#composer-message")).ToHaveValueAsync("");
            gate.SetResult();
            await Expect(page.Locator("#thread article[data-role=assistant][data-status=complete]")).ToContainTextAsync("Pears are nice.", new() { Timeout = 15_000 });
            Assert.Contains("apples and pears", env.Llm.ChatRequests[0].Body, StringComparison.Ordinal);

            // A streamed reply in an existing chat, stopped half way.
            var midGate = NewGate();
            env.Llm.EnqueueReply(FakeReply.Text("one ", "two ", "three ", "four") with { MidGate = midGate, PauseAfterChunks = 2 });
            await SendAsync(page, "Count slowly");
            var stoppable = page.Locator("#thread article[data-role=assistant]").Last;
            await Expect(stoppable.Locator(".tail")).ToHaveTextAsync("one two ");
            await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
            await Expect(stoppable).ToHaveAttributeAsync("data-status", "stopped", new() { Timeout = 15_000 });
            await Expect(page.Locator("#composer-message")).ToBeFocusedAsync();
            midGate.TrySetResult();

            // An error mid-stream.
            env.Llm.EnqueueReply(FakeReply.Text("Half ", "an answer", " never sent") with { ErrorAfterChunks = 2 });
            await SendAsync(page, "Fail half way");
            await Expect(page.Locator("#thread article[data-role=assistant]").Last).ToHaveAttributeAsync("data-status", "error", new() { Timeout = 15_000 });

            // The model picker, opened and closed.
            await page.Locator("#model-button").ClickAsync();
            var picker = page.GetByRole(AriaRole.Dialog, new() { Name = "Choose a model" });
            await Expect(picker).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Escape");
            await Expect(picker).ToBeHiddenAsync();
            await Expect(page.Locator("#model-button")).ToBeFocusedAsync();

            Assert.True(problems.IsEmpty, "Seen: " + string.Join("\n", problems));
            Assert.Equal(0, await CspReportTests.ViolationsAsync(client));
        }, new BrowserNewContextOptions { ViewportSize = Desktop, Locale = "en-US", TimezoneId = "UTC" });
    }

    /// <summary>Item 8 and 12: "Jump to latest" is drawn above the composer; after an error mid-stream only the error box is red; each reply names its model.</summary>
    [Theory]
    [InlineData(1440, 900, "light")]
    [InlineData(390, 844, "dark")]
    public async Task Loop_jump_to_latest_shows_above_the_composer_an_error_reddens_only_its_box_and_replies_name_their_model(int width, int height, string scheme)
    {
        await using var env = await ChatEnv.StartAsync(operatorKey: true);
        await SharedBrowser.RunAsync($"{nameof(Loop_jump_to_latest_shows_above_the_composer_an_error_reddens_only_its_box_and_replies_name_their_model)}-{width}-{scheme}", async page =>
        {
            await ImportAsync(page, env, LongChat("Long chat Alpha", "alpha"));
            await Expect(page).ToHaveURLAsync(ThreadUrl());
            await AssertAtLatestAsync(page, "alpha reply 99");

            var midGate = NewGate();
            env.Llm.EnqueueReply(FakeReply.Text("Part one. ", "Part two. ", "Part three. ", "Never.") with { MidGate = midGate, PauseAfterChunks = 2, ErrorAfterChunks = 3 });
            await SendAsync(page, "Break half way");
            var reply = page.Locator("#thread article[data-role=assistant]").Last;
            await Expect(reply.Locator(".tail")).ToHaveTextAsync("Part one. Part two. ");

            // Scrolled up while the reply streams: the button appears, above the composer, where a tap reaches it.
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            midGate.SetResult();
            var jump = page.GetByRole(AriaRole.Button, new() { Name = "Jump to latest" });
            await Expect(jump).ToBeVisibleAsync();
            var jumpBox = (await jump.BoundingBoxAsync())!;
            var composerBox = (await page.Locator("#composer").BoundingBoxAsync())!;
            Assert.True(jumpBox.Y + jumpBox.Height <= composerBox.Y, $"the button ends at {jumpBox.Y + jumpBox.Height}, the composer starts at {composerBox.Y}");
            Assert.True(jumpBox.X >= 0 && jumpBox.X + jumpBox.Width <= width);
            var hit = await jump.EvaluateAsync<bool>("b => { const r = b.getBoundingClientRect(); return !!document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2).closest('[data-jump-latest]'); }");
            Assert.True(hit, "something is drawn over the button");
            await ViewportShotAsync(page, $"loop-jump-latest-{width}-{scheme}");
            await jump.ClickAsync();
            await Expect(jump).ToBeHiddenAsync();

            // Only the error box is red; the partial reply keeps the text colour.
            await Expect(reply).ToHaveAttributeAsync("data-status", "error", new() { Timeout = 15_000 });
            var colours = await reply.EvaluateAsync<string[]>("a => [getComputedStyle(a.querySelector('.prose p')).color, getComputedStyle(a.querySelector('.msg-error')).color, getComputedStyle(document.body).color]");
            Assert.Equal(colours[2], colours[0]);
            Assert.NotEqual(colours[2], colours[1]);
            await ViewportShotAsync(page, $"loop-error-reply-{width}-{scheme}");

            // Each reply names the model that wrote it, beside its usage line.
            var model = env.Llm.ChatRequests[^1].Model!;
            await Expect(page.Locator("#thread article[data-role=assistant]").First.Locator(".msg-actions .msg-model")).ToHaveTextAsync("gpt-4o-mini");
            await Expect(reply.Locator(".msg-model")).ToHaveTextAsync(model[(model.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            await Expect(reply.Locator(".msg-model")).ToHaveAttributeAsync("title", model);
        }, new BrowserNewContextOptions { ViewportSize = new() { Width = width, Height = height }, ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light, Locale = "en-US", TimezoneId = "UTC" });
    }

    /// <summary>Item 9: focus goes to the composer when a chat opens, never to body after rename, delete or a dialog; the header's ⋯ menu offers Rename and Delete and Escape closes it.</summary>
    [Fact]
    public async Task Loop_focus_lands_somewhere_sensible_and_the_header_menu_renames_and_deletes()
    {
        await using var env = await ChatEnv.StartAsync(operatorKey: true);
        await SharedBrowser.RunAsync(nameof(Loop_focus_lands_somewhere_sensible_and_the_header_menu_renames_and_deletes), async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            await Expect(page.Locator("#composer-message")).ToBeFocusedAsync();
            await SendAsync(page, "First chat");
            await Expect(page).ToHaveURLAsync(ThreadUrl());
            await Expect(page.Locator("article[data-role=assistant][data-status=complete]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Expect(page.Locator("#composer-message")).ToBeFocusedAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "New chat" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/chat$"));
            await Expect(page.Locator("#composer-message")).ToBeFocusedAsync();
            await page.Locator("#chat-list a.chat-link", new() { HasText = "First chat" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(ThreadUrl());
            await Expect(page.Locator("#composer-message")).ToBeFocusedAsync();

            // The ⋯ menu: Escape closes it and gives the focus back to its button.
            var menu = page.Locator(".thread-menu");
            await menu.Locator("summary").ClickAsync();
            await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Rename" })).ToBeVisibleAsync();
            await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Delete" })).ToBeVisibleAsync();
            await SharedBrowser.ScreenshotAsync(page, "loop-thread-menu-1440-light");
            await page.Keyboard.PressAsync("Escape");
            await Expect(menu).Not.ToHaveAttributeAsync("open", "");
            await Expect(menu.Locator("summary")).ToBeFocusedAsync();

            // Rename from the menu.
            await menu.Locator("summary").ClickAsync();
            await menu.GetByRole(AriaRole.Link, new() { Name = "Rename" }).ClickAsync();
            await page.GetByLabel("Chat title").FillAsync("Renamed from the menu");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(page.Locator("#thread-title")).ToHaveTextAsync("Renamed from the menu");
            Assert.NotEqual("BODY", await page.EvaluateAsync<string>("() => document.activeElement.tagName"));

            // Inline rename in the sidebar: the focus goes back to the chat's link.
            var item = page.Locator("#chat-list .chat-item").First;
            await item.HoverAsync();
            await item.GetByRole(AriaRole.Link, new() { Name = "Rename Renamed from the menu" }).ClickAsync();
            await page.Locator("#chat-list input[name=title]").FillAsync("Renamed inline");
            await page.Locator("#chat-list input[name=title]").PressAsync("Enter");
            await Expect(page.Locator("#chat-list a.chat-link").First).ToHaveTextAsync("Renamed inline");
            await Expect(page.Locator("#chat-list a.chat-link").First).ToBeFocusedAsync();

            // A dialog closed with its button: the focus does not fall to body.
            await menu.Locator("summary").ClickAsync();
            await menu.GetByRole(AriaRole.Link, new() { Name = "Delete" }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Expect(dialog).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            Assert.NotEqual("BODY", await page.EvaluateAsync<string>("() => document.activeElement.tagName"));

            // Delete from the menu: back on the dashboard, the focus in its composer.
            await menu.Locator("summary").ClickAsync();
            await menu.GetByRole(AriaRole.Link, new() { Name = "Delete" }).ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete chat" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/chat$"));
            await Expect(page.Locator("#chat-list a.chat-link")).ToHaveCountAsync(0);
            await Expect(page.Locator("#composer-message")).ToBeFocusedAsync();
        }, new BrowserNewContextOptions { ViewportSize = Desktop, Locale = "en-US", TimezoneId = "UTC" });
    }

    /// <summary>Item 7: while a fence is open its text streams inside a code block (monospace, language label); closing it moves nothing.</summary>
    [Theory]
    [InlineData(1440, 900, "light")]
    [InlineData(390, 844, "dark")]
    public async Task Loop_an_open_code_fence_streams_as_a_code_block_that_does_not_jump_when_it_closes(int width, int height, string scheme)
    {
        await using var env = await ChatEnv.StartAsync(operatorKey: true);
        var gate = NewGate();
        env.Llm.EnqueueReply(FakeReply.Text("Here:\n", "```js\nconst a = 1;\nconsole.log(a);\n", "function f() {\n  return 2;\n}\n", "```\n\nDone.") with { MidGate = gate, PauseAfterChunks = 3 });
        await SharedBrowser.RunAsync($"{nameof(Loop_an_open_code_fence_streams_as_a_code_block_that_does_not_jump_when_it_closes)}-{width}-{scheme}", async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            await SendAsync(page, "Some code please");
            var reply = page.Locator("#thread article[data-role=assistant]");
            var live = reply.Locator(".tail-code .code-block");

            // Parked with the fence still open: the code is in a code block, labelled, monospace; no raw fence shows.
            await Expect(live.Locator("pre")).ToHaveTextAsync(new Regex("^const a = 1;\\nconsole.log\\(a\\);\\nfunction f\\(\\) \\{\\n  return 2;\\n\\}\\n?$"));
            await Expect(live.Locator(".code-lang")).ToHaveTextAsync("js");
            await Expect(reply).Not.ToContainTextAsync("```");
            Assert.Contains("mono", await live.Locator("pre").EvaluateAsync<string>("p => getComputedStyle(p).fontFamily"), StringComparison.OrdinalIgnoreCase);
            await Expect(reply.Locator(".prose p")).ToHaveTextAsync("Here:");
            await ViewportShotAsync(page, $"loop-streaming-code-{width}-{scheme}");
            var before = (await live.BoundingBoxAsync())!;

            // The fence closes: the finished block takes the same place and size (within a line).
            gate.SetResult();
            await Expect(reply).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });
            var done = reply.Locator(".prose .code-block");
            await Expect(done).ToHaveCountAsync(1);
            await Expect(done.Locator("pre")).ToContainTextAsync("return 2;");
            var after = (await done.BoundingBoxAsync())!;
            var line = await done.Locator("pre").EvaluateAsync<float>("p => parseFloat(getComputedStyle(p).lineHeight)");
            Assert.InRange(after.Y, before.Y - 1, before.Y + 1);
            Assert.InRange(after.Width, before.Width - 1, before.Width + 1);
            Assert.InRange(after.Height, before.Height - line, before.Height + line);
            await ViewportShotAsync(page, $"loop-finished-code-{width}-{scheme}");
        }, new BrowserNewContextOptions { ViewportSize = new() { Width = width, Height = height }, ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light, Locale = "en-US", TimezoneId = "UTC" });
    }

    /// <summary>Item 10: a long first message makes a title without "…" (the page shows the ellipsis); the sidebar groups chats by day; the current chat's icons show on hover like the others'.</summary>
    [Fact]
    public async Task Loop_titles_are_cut_at_a_word_and_the_sidebar_groups_chats_by_day()
    {
        await using var env = await ChatEnv.StartAsync(operatorKey: true);
        await SharedBrowser.RunAsync(nameof(Loop_titles_are_cut_at_a_word_and_the_sidebar_groups_chats_by_day), async page =>
        {
            var old = LongChat("An old chat", "old");
            await ImportAsync(page, env, old);
            await page.GotoAsync(env.Url("chat"));
            await SendAsync(page, "What is the best way to learn functional programming if I already know C# well and have a month to spare?");
            await Expect(page).ToHaveURLAsync(ThreadUrl());
            var title = page.Locator("#thread-title");
            await Expect(title).ToHaveTextAsync("What is the best way to learn functional programming if I");
            Assert.Equal("ellipsis", await title.EvaluateAsync<string>("t => getComputedStyle(t).textOverflow"));
            var current = page.Locator("#chat-list a.chat-link[aria-current=page]");
            await Expect(current).Not.ToHaveTextAsync(new Regex("…$"));
            Assert.Equal("ellipsis", await current.EvaluateAsync<string>("t => getComputedStyle(t).textOverflow"));

            await Expect(page.Locator("#chat-list .chat-group")).ToHaveTextAsync(["Today", "Older"]);
            var order = await page.Locator("#chat-list > li").EvaluateAllAsync<string[]>("items => items.map(i => i.classList.contains('chat-group') ? i.textContent : i.querySelector('a').textContent)");
            Assert.Equal(["Today", "What is the best way to learn functional programming if I", "Older", "An old chat"], order);

            // The current chat's rename/delete icons appear on hover or focus, like every other chat's.
            await page.Locator("#composer-message").FocusAsync();
            var actions = page.Locator("#chat-list .chat-item:has(a[aria-current=page]) .chat-item-actions");
            await Expect(actions).ToHaveCountAsync(1);
            await Expect(actions).ToBeHiddenAsync();
            await current.HoverAsync();
            await Expect(actions).ToBeVisibleAsync();
            await SharedBrowser.ScreenshotAsync(page, "loop-sidebar-groups-1440-light");
        }, new BrowserNewContextOptions { ViewportSize = Desktop, Locale = "en-US", TimezoneId = "UTC" });
    }

    /// <summary>Item 13: on a touch phone the tap targets are 44 px, the composer grows to 40% of the screen and scrolls inside, the keyboard resizes the page, and the header keeps the title readable.</summary>
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Loop_on_a_touch_phone_targets_are_big_enough_and_the_composer_and_header_fit(string scheme)
    {
        await using var env = await ChatEnv.StartAsync(operatorKey: true);
        await SharedBrowser.RunAsync($"{nameof(Loop_on_a_touch_phone_targets_are_big_enough_and_the_composer_and_header_fit)}-{scheme}", async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            Assert.Contains("interactive-widget=resizes-content", await page.Locator("meta[name=viewport]").GetAttributeAsync("content"), StringComparison.Ordinal);
            await SendAsync(page, "A question with a title long enough to need the room");
            await Expect(page.Locator("article[data-role=assistant][data-status=complete]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

            foreach (var selector in (string[])["#attach-button", "#model-button", ".thread-menu > summary", ".msg-actions .btn", ".sidebar-open"])
            {
                var box = (await page.Locator(selector).First.BoundingBoxAsync())!;
                Assert.True(Math.Round(box.Width) >= 44 && Math.Round(box.Height) >= 44, $"{selector} is {box.Width}×{box.Height}");
            }

            // The title keeps its room: the header's tools wait in the ⋯ menu.
            var titleBox = (await page.Locator("#thread-title").BoundingBoxAsync())!;
            Assert.True(titleBox.Width >= 150, $"the title has {titleBox.Width} px");
            await page.Locator(".thread-menu > summary").ClickAsync();
            await Expect(page.Locator(".thread-menu").GetByRole(AriaRole.Link, new() { Name = "Settings" })).ToBeVisibleAsync();
            await ViewportShotAsync(page, $"loop-phone-header-menu-390-{scheme}");
            await page.Keyboard.PressAsync("Escape");

            // The composer grows to at most 40% of the screen, then scrolls inside.
            await page.GetByLabel("Message", new() { Exact = true }).FillAsync(string.Join("\n", Enumerable.Range(1, 60).Select(i => $"line {i}")));
            var sizes = await page.Locator("#composer-message").EvaluateAsync<double[]>("t => [t.getBoundingClientRect().height, window.innerHeight, t.scrollHeight, t.clientHeight]");
            Assert.True(sizes[0] <= sizes[1] * 0.4 + 1, $"the composer is {sizes[0]} px on a {sizes[1]} px screen");
            Assert.True(sizes[2] > sizes[3], "the composer does not scroll inside");

            // The sidebar's icons are big enough too.
            await page.Locator(".sidebar-open").ClickAsync();
            var icon = (await page.Locator("#chat-list .icon-btn").First.BoundingBoxAsync())!;
            Assert.True(Math.Round(icon.Width) >= 44 && Math.Round(icon.Height) >= 44, $"a sidebar icon is {icon.Width}×{icon.Height}");
            await AssertFitsAsync(page, "the thread with its sidebar open");
        }, new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true, ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light, Locale = "en-US", TimezoneId = "UTC" });
    }

    private const string WideReply =
        "Here is a long line:\n\n```text\n" + "a_very_long_identifier_without_any_break_" + "0123456789012345678901234567890123456789012345678901234567890123456789" + "\n```\n\n" +
        "| column one | column two | column three | column four | column five | column six |\n|---|---|---|---|---|---|\n| aaaaaaaaaaaa | bbbbbbbbbbbb | cccccccccccc | dddddddddddd | eeeeeeeeeeee | ffffffffffff |\n\n" +
        "And a link: https://example.com/" + "a-very-long-path-segment-that-does-not-break-anywhere-at-all-0123456789";

    /// <summary>What the person sees (a long thread's full-page shot is too tall to look at).</summary>
    private static async Task ViewportShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), name + ".png") });

    private static async Task AssertFitsAsync(IPage page, string what)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"{what} is {widths[0]} px wide on a {widths[1]} px screen");
    }

    /// <summary>Waits until the thread shows its last message at the bottom of the window with only its newest page loaded; returns the page height.</summary>
    private static async Task<int> AssertAtLatestAsync(IPage page, string lastText)
    {
        var last = page.Locator("#thread article").Last;
        await Expect(last).ToContainTextAsync(lastText);
        await Expect(last).ToBeInViewportAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForFunctionAsync("() => window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2");
        await Expect(page.Locator("#thread article")).ToHaveCountAsync(50);
        return await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
    }

    /// <summary>A chat of 100 questions and 100 replies (four lines each), as an OpenChat JSON export's chat.</summary>
    private static object LongChat(string title, string word)
    {
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        var messages = Enumerable.Range(0, 100).SelectMany(i => new object[]
        {
            new { role = "user", content = i == 7 ? $"{word} question {i} about zebras" : $"{word} question {i}", status = "complete", created_at = start.AddMinutes(2 * i) },
            new { role = "assistant", content = $"{word} reply {i}\n\nA second paragraph.\n\n- a list item\n- another one", status = "complete", model = "openai/gpt-4o-mini", created_at = start.AddMinutes(2 * i + 1) },
        });
        return new { title, model = "openai/gpt-4o-mini", created_at = start, messages };
    }

    /// <summary>Imports chats through Settings, as a person would.</summary>
    private static async Task ImportAsync(IPage page, ChatEnv env, params object[] chats)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new { format = "openchat.export", version = 1, chats });
        await page.GotoAsync(env.Url("settings"));
        await page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = "chats.json", MimeType = "application/json", Buffer = json });
        await page.Locator(".import-form").GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await page.WaitForLoadStateAsync();
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.GetByLabel("Message", new() { Exact = true }).FillAsync(text);
        await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
    }

    /// <summary>Collects CSP violations (the page's events and Chromium's console) and every console error.</summary>
    private static async Task<ConcurrentQueue<string>> WatchAsync(IPage page)
    {
        var problems = new ConcurrentQueue<string>();
        await page.ExposeFunctionAsync("__cspViolation", (string text) => problems.Enqueue("CSP: " + text));
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', function (e) { window.__cspViolation(e.effectiveDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber); });");
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                problems.Enqueue($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Enqueue("page error: " + error);
        return problems;
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Regex ThreadUrl() => ThreadUrlPattern();

    [GeneratedRegex("/chat/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")]
    private static partial Regex ThreadUrlPattern();
}
