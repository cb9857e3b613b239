using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Pages.Chat;

/// <summary>
/// The chat in a real Chromium against the app on Kestrel and a scripted <see cref="FakeOpenRouter"/>.
/// Each test has its own app, fake and browser context (its own guest), so none depends on another.
/// Mid-reply moments are reached with the fake's gates, never with sleeps.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed partial class ChatBrowserTests
{
    private static readonly TimeSpan UpstreamWait = TimeSpan.FromSeconds(15);

    private const string MarkdownReply =
        "## Steps\n\nFirst, a short intro with `inline code`.\n\n- Install the tool\n- Run it once\n\n```csharp\nvar answer = 6 * 7;\nConsole.WriteLine(answer);\n```\n\nDone.";

    [Fact]
    public async Task ChatBrowser_reply_grows_then_renders_markdown_with_copyable_code()
    {
        await using var env = await ChatEnv.StartAsync();
        var midGate = NewGate();
        string[] chunks = ["## Steps\n\n", "First, a short intro ", "with `inline code`.\n\n", "- Install the tool\n", "- Run it once\n\n", "```csharp\nvar answer = 6 * 7;\n", "Console.WriteLine(answer);\n```\n\n", "Done."];
        Assert.Equal(MarkdownReply, string.Concat(chunks));
        env.Llm.EnqueueReply(FakeReply.Text(chunks) with { MidGate = midGate, PauseAfterChunks = 2, ChunkDelay = TimeSpan.FromMilliseconds(40) });

        await SharedBrowser.RunAsync(nameof(ChatBrowser_reply_grows_then_renders_markdown_with_copyable_code), async page =>
        {
            await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
            await page.GotoAsync(env.Url("chat"));
            // Record every distinct text the reply shows while it streams (the window survives the htmx navigation to the thread).
            await page.EvaluateAsync(RecorderScript);

            await SendAsync(page, "Explain the steps");
            await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
            var reply = page.Locator("#thread article[data-role=assistant]");
            var question = page.Locator("#thread article[data-role=user]");
            await Assertions.Expect(question).ToHaveTextAsync(new Regex("Explain the steps"));

            // Parked after two chunks: the heading is a finished block, the intro is still the live tail.
            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "streaming");
            await Assertions.Expect(reply.Locator(".prose h2")).ToHaveTextAsync("Steps");
            await Assertions.Expect(reply.Locator(".tail")).ToHaveTextAsync("First, a short intro ");
            await Assertions.Expect(page.Locator("#composer-action button")).ToHaveTextAsync("Stop");
            midGate.SetResult();

            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });
            await Assertions.Expect(reply.Locator(".prose h2")).ToHaveTextAsync("Steps");
            await Assertions.Expect(reply.Locator(".prose ul > li")).ToHaveTextAsync(["Install the tool", "Run it once"]);
            await Assertions.Expect(reply.Locator(".prose p code")).ToHaveTextAsync("inline code");
            var codeBlock = reply.Locator(".prose .code-block");
            await Assertions.Expect(codeBlock).ToHaveCountAsync(1);
            await Assertions.Expect(codeBlock.Locator("pre")).ToContainTextAsync("Console.WriteLine(answer);");
            await Assertions.Expect(reply.Locator(".prose")).ToContainTextAsync("Done.");
            await Assertions.Expect(reply.Locator(".tail")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#thread article")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#composer-action button")).ToHaveTextAsync("Send");

            var states = await page.EvaluateAsync<string[]>("() => window.__replyStates");
            var partials = states.Where(s => s.Length > 0 && s.Length < Flatten(MarkdownReply).Length).Distinct().ToList();
            Assert.True(partials.Count >= 2, "Expected at least two intermediate states of the reply, saw: " + string.Join(" | ", states));

            var copy = codeBlock.Locator("[data-copy=code]");
            await Assertions.Expect(copy).ToBeVisibleAsync();
            await copy.ClickAsync();
            await Assertions.Expect(copy).ToHaveTextAsync("Copied");
            var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
            Assert.Equal("var answer = 6 * 7;\nConsole.WriteLine(answer);", copied.Trim());
        });
    }

    [Fact]
    public async Task ChatBrowser_reload_mid_reply_shows_the_partial_and_the_reply_completes_exactly()
    {
        await using var env = await ChatEnv.StartAsync();
        var midGate = NewGate();
        string[] chunks = ["Alpha one, ", "bravo two, ", "charlie three, ", "delta four, ", "echo five, ", "foxtrot six, ", "golf seven, ", "hotel eight."];
        env.Llm.EnqueueReply(FakeReply.Text(chunks) with { MidGate = midGate, PauseAfterChunks = 3, ChunkDelay = TimeSpan.FromMilliseconds(60) });

        await SharedBrowser.RunAsync(nameof(ChatBrowser_reload_mid_reply_shows_the_partial_and_the_reply_completes_exactly), async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            await SendAsync(page, "Spell the alphabet");
            await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
            var reply = page.Locator("#thread article[data-role=assistant]");
            var partial = string.Concat(chunks.Take(3));
            await Assertions.Expect(reply).ToHaveTextAsync(new Regex("^\\s*OpenChat replied\\s*" + Regex.Escape(partial.TrimEnd())));

            await page.ReloadAsync();
            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "streaming");
            await Assertions.Expect(reply.Locator(".tail")).ToHaveTextAsync(partial);
            midGate.SetResult();

            // Reload again while the rest streams in: nothing is lost or doubled.
            // (the rest may already have finished by the time of this reload: either way the end result must be exact)
            await Assertions.Expect(reply).ToContainTextAsync("echo five");
            await page.ReloadAsync();

            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });
            await Assertions.Expect(page.Locator("#thread article")).ToHaveCountAsync(2);
            Assert.Equal(string.Concat(chunks), (await reply.Locator(".prose").InnerTextAsync()).Trim());

            // And what was stored is the same text.
            await page.ReloadAsync();
            Assert.Equal(string.Concat(chunks), (await reply.Locator(".prose").InnerTextAsync()).Trim());
        });
    }

    [Fact]
    public async Task ChatBrowser_second_tab_sees_the_reply_stream_and_a_new_chat_in_its_sidebar()
    {
        await using var env = await ChatEnv.StartAsync();
        env.Llm.EnqueueReply(FakeReply.Text("First answer."));

        await SharedBrowser.RunAsync(nameof(ChatBrowser_second_tab_sees_the_reply_stream_and_a_new_chat_in_its_sidebar), async tab1 =>
        {
            await tab1.GotoAsync(env.Url("chat"));
            await SendAsync(tab1, "Opening question");
            await Assertions.Expect(tab1).ToHaveURLAsync(ThreadUrl());
            await Assertions.Expect(tab1.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "complete");
            var chatUrl = tab1.Url;

            var tab2 = await tab1.Context.NewPageAsync();
            await tab2.GotoAsync(chatUrl);
            await Assertions.Expect(tab2.Locator("#thread article")).ToHaveCountAsync(2);
            await WaitForLiveStreamAsync(tab2);

            // A follow-up sent in tab 1 streams into tab 2: question first, then the reply as it grows.
            var gate = NewGate();
            var midGate = NewGate();
            env.Llm.EnqueueReply(FakeReply.Text("Second ", "answer, ", "streamed live.") with { Gate = gate, MidGate = midGate, PauseAfterChunks = 1 });
            await SendAsync(tab1, "Follow-up question");

            var replies2 = tab2.Locator("#thread article[data-role=assistant]");
            await Assertions.Expect(tab2.Locator("#thread article[data-role=user]").Last).ToContainTextAsync("Follow-up question");
            await Assertions.Expect(replies2).ToHaveCountAsync(2);
            await Assertions.Expect(replies2.Last).ToHaveAttributeAsync("data-status", "streaming");
            await Assertions.Expect(tab2.Locator("#composer-action button")).ToHaveTextAsync("Stop");
            gate.SetResult();
            await Assertions.Expect(replies2.Last.Locator(".tail")).ToHaveTextAsync("Second ");
            midGate.SetResult();
            await Assertions.Expect(replies2.Last).ToHaveAttributeAsync("data-status", "complete");
            await Assertions.Expect(replies2.Last.Locator(".prose")).ToHaveTextAsync("Second answer, streamed live.");
            await Assertions.Expect(tab2.Locator("#composer-action button")).ToHaveTextAsync("Send");
            await Assertions.Expect(tab1.Locator("#thread article[data-role=assistant]").Last).ToHaveAttributeAsync("data-status", "complete");
            Assert.Equal(chatUrl, tab2.Url);

            // A new chat started in tab 1 shows up in tab 2's sidebar without a reload; tab 2 keeps its own chat marked current.
            await tab1.GetByRole(AriaRole.Link, new() { Name = "New chat" }).ClickAsync();
            await Assertions.Expect(tab1).ToHaveURLAsync(env.Url("chat"));
            await SendAsync(tab1, "A brand new topic");
            await Assertions.Expect(tab1).ToHaveURLAsync(ThreadUrl());
            var newChatId = ChatIdOf(tab1.Url);

            var items2 = tab2.Locator("#chat-list li.chat-item");
            await Assertions.Expect(items2).ToHaveCountAsync(2);
            await Assertions.Expect(items2.First).ToHaveAttributeAsync("id", "c-" + newChatId.ToString("N"));
            await Assertions.Expect(items2.First.Locator("a.chat-link")).ToHaveTextAsync("A brand new topic");
            await Assertions.Expect(items2.First.Locator("a.chat-link")).Not.ToHaveAttributeAsync("aria-current", "page");
            await Assertions.Expect(tab2.Locator("#chat-list a.chat-link[aria-current=page]")).ToHaveAttributeAsync("href", new Uri(chatUrl).AbsolutePath);
            Assert.Equal(chatUrl, tab2.Url);
        });
    }

    [Fact]
    public async Task ChatBrowser_a_tab_whose_live_stream_connects_after_the_reply_ended_still_shows_the_final_reply()
    {
        await using var env = await ChatEnv.StartAsync();
        var gate = NewGate();
        env.Llm.EnqueueReply(FakeReply.Text("Finished ", "while the tab was connecting.") with { Gate = gate });

        await SharedBrowser.RunAsync(nameof(ChatBrowser_a_tab_whose_live_stream_connects_after_the_reply_ended_still_shows_the_final_reply), async tab1 =>
        {
            await tab1.GotoAsync(env.Url("chat"));
            await SendAsync(tab1, "Race me");
            await Assertions.Expect(tab1).ToHaveURLAsync(ThreadUrl());
            await Assertions.Expect(tab1.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "streaming");

            // Tab 2 renders the thread while the reply runs, but its live stream is held up (a slow network) until the reply is over.
            var tab2 = await tab1.Context.NewPageAsync();
            var holdLive = NewGate();
            await tab2.RouteAsync("**/chat/live?**", async route =>
            {
                await holdLive.Task;
                await route.ContinueAsync();
            });
            await tab2.GotoAsync(tab1.Url);
            await Assertions.Expect(tab2.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "streaming");

            gate.SetResult();
            await Assertions.Expect(tab1.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "complete");
            holdLive.SetResult();

            await Assertions.Expect(tab2.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "complete");
            await Assertions.Expect(tab2.Locator("#thread article[data-role=assistant] .prose")).ToHaveTextAsync("Finished while the tab was connecting.");
            await Assertions.Expect(tab2.Locator("#composer-action button")).ToHaveTextAsync("Send");
        });
    }

    [Fact]
    public async Task ChatBrowser_stop_mid_reply_aborts_upstream_and_keeps_the_partial()
    {
        await using var env = await ChatEnv.StartAsync();
        var midGate = NewGate();
        env.Llm.EnqueueReply(FakeReply.Text("Kept part one. ", "Kept part two.", " Never sent.") with { MidGate = midGate, PauseAfterChunks = 2 });

        try
        {
            await SharedBrowser.RunAsync(nameof(ChatBrowser_stop_mid_reply_aborts_upstream_and_keeps_the_partial), async page =>
            {
                await page.GotoAsync(env.Url("chat"));
                await SendAsync(page, "Talk until I stop you");
                await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
                var reply = page.Locator("#thread article[data-role=assistant]");
                await Assertions.Expect(reply.Locator(".tail")).ToHaveTextAsync("Kept part one. Kept part two.");
                var upstream = await env.Llm.WaitForRequestAsync(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal) && r.ChunksSent == 2, UpstreamWait);

                var stop = page.Locator("#composer-action button[form=stop-form]");
                await Assertions.Expect(stop).ToHaveTextAsync("Stop");
                await page.RunAndWaitForResponseAsync(() => stop.ClickAsync(), r => r.Url.EndsWith("/stop", StringComparison.Ordinal) && r.Request.Method == "POST");
                await env.Llm.WaitForDisconnectAsync(upstream, TimeSpan.FromSeconds(15));
                Assert.True(upstream.ClientDisconnected);

                await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "stopped");
                await Assertions.Expect(reply.Locator(".prose")).ToHaveTextAsync("Kept part one. Kept part two.");
                await Assertions.Expect(reply.Locator(".msg-note")).ToHaveTextAsync("Stopped");
                await Assertions.Expect(page.Locator("#composer-action button")).ToHaveTextAsync("Send");
                await Assertions.Expect(page.Locator("#composer-action button[form=stop-form]")).ToHaveCountAsync(0);

                await page.ReloadAsync();
                await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "stopped");
                await Assertions.Expect(reply.Locator(".prose")).ToHaveTextAsync("Kept part one. Kept part two.");
                await Assertions.Expect(page.Locator("#composer-action button")).ToHaveTextAsync("Send");
            });
        }
        finally
        {
            midGate.TrySetResult();
        }
    }

    [Fact]
    public async Task ChatBrowser_hostile_model_output_renders_inert()
    {
        await using var env = await ChatEnv.StartAsync();
        var midGate = NewGate();
        string[] chunks =
        [
            "Look: <script>alert(1)</script> and <img src=x onerror=alert(1)>\n\n",
            "<div hx-get=\"/hostile\" hx-trigger=\"load\">loaded</div>\n\n",
            "[click me](javascript:alert(1)) and [docs](http://127.0.0.1:9/hostile)\n\n",
            "Tail <img src=x onerror=alert(2)> <b hx-get=\"/hostile\" hx-trigger=\"load\">bold</b>",
            " The end.",
        ];
        env.Llm.EnqueueReply(FakeReply.Text(chunks) with { MidGate = midGate, PauseAfterChunks = 4 });

        await SharedBrowser.RunAsync(nameof(ChatBrowser_hostile_model_output_renders_inert), async page =>
        {
            var dialogs = new List<string>();
            var hostileRequests = new List<string>();
            page.Dialog += (_, dialog) =>
            {
                lock (dialogs)
                {
                    dialogs.Add(dialog.Message);
                }

                _ = dialog.DismissAsync();
            };
            page.Request += (_, request) =>
            {
                if (request.Url.Contains("hostile", StringComparison.OrdinalIgnoreCase) || request.Url.StartsWith("http://127.0.0.1:9", StringComparison.Ordinal) ||
                    request.Url.EndsWith("/x", StringComparison.Ordinal))
                {
                    lock (hostileRequests)
                    {
                        hostileRequests.Add(request.Url);
                    }
                }
            };

            await page.GotoAsync(env.Url("chat"));
            await SendAsync(page, "Be hostile");
            await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
            var reply = page.Locator("#thread article[data-role=assistant]");
            var prose = reply.Locator(".prose");

            // While streaming (every chunk is out, the stream is parked): the unfinished tail is escaped text.
            await Assertions.Expect(reply.Locator(".tail")).ToContainTextAsync("<b hx-get=\"/hostile\" hx-trigger=\"load\">bold</b>");
            await Assertions.Expect(prose).ToContainTextAsync("<script>alert(1)</script>");
            await AssertInertAsync(reply);
            midGate.SetResult();

            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "complete");
            await Assertions.Expect(prose).ToContainTextAsync("<script>alert(1)</script>");
            await Assertions.Expect(prose).ToContainTextAsync("<img src=x onerror=alert(1)>");
            await Assertions.Expect(prose).ToContainTextAsync("<div hx-get=\"/hostile\" hx-trigger=\"load\">loaded</div>");
            await Assertions.Expect(prose).ToContainTextAsync("click me");
            await Assertions.Expect(prose).ToContainTextAsync("<b hx-get=\"/hostile\" hx-trigger=\"load\">bold</b>");
            await AssertInertAsync(reply);
            var docs = prose.GetByRole(AriaRole.Link, new() { Name = "docs" });
            await Assertions.Expect(docs).ToHaveAttributeAsync("href", "http://127.0.0.1:9/hostile");
            await Assertions.Expect(docs).ToHaveAttributeAsync("rel", "noopener noreferrer nofollow");

            // The page reloaded from storage is just as inert; then give any stray trigger a real round trip to show up.
            await page.ReloadAsync();
            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "complete");
            await AssertInertAsync(reply);
            await page.GotoAsync(env.Url("chat"));

            Assert.Empty(dialogs);
            Assert.Empty(hostileRequests);
        });
    }

    [Fact]
    public async Task ChatBrowser_without_javascript_a_message_is_sent_and_its_reply_appears()
    {
        await using var env = await ChatEnv.StartAsync();
        var gate = NewGate();
        env.Llm.EnqueueReply(FakeReply.Text("Plain ", "HTML ", "works.") with { Gate = gate });
        var options = SharedBrowser.DefaultContextOptions();
        options.JavaScriptEnabled = false;

        await SharedBrowser.RunAsync(nameof(ChatBrowser_without_javascript_a_message_is_sent_and_its_reply_appears), async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            await page.GetByLabel("Message", new() { Exact = true }).FillAsync("No scripts here");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

            await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
            var reply = page.Locator("#thread article[data-role=assistant]");
            await Assertions.Expect(page.Locator("#thread article[data-role=user]")).ToContainTextAsync("No scripts here");
            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "streaming");
            await Assertions.Expect(page.Locator("head noscript")).ToHaveCountAsync(1);
            gate.SetResult();

            // The page refreshes itself every 2 s while the reply runs.
            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 15_000 });
            await Assertions.Expect(reply.Locator(".prose")).ToHaveTextAsync("Plain HTML works.");
            await Assertions.Expect(page.Locator("head noscript")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send" })).ToBeVisibleAsync();
        }, options);
    }

    [Fact]
    public async Task ChatBrowser_rename_and_delete_from_the_sidebar()
    {
        await using var env = await ChatEnv.StartAsync();

        await SharedBrowser.RunAsync(nameof(ChatBrowser_rename_and_delete_from_the_sidebar), async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            await SendAsync(page, "First chat about apples");
            await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
            var first = ChatIdOf(page.Url);
            await Assertions.Expect(page.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "complete");

            await page.GetByRole(AriaRole.Link, new() { Name = "New chat" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(env.Url("chat"));
            await SendAsync(page, "Second chat about pears");
            await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
            var second = ChatIdOf(page.Url);
            Assert.NotEqual(first, second);
            await Assertions.Expect(page.Locator("#thread article[data-role=assistant]")).ToHaveAttributeAsync("data-status", "complete");

            var firstItem = page.Locator("#c-" + first.ToString("N"));
            var secondItem = page.Locator("#c-" + second.ToString("N"));
            await Assertions.Expect(secondItem.Locator("a.chat-link")).ToHaveAttributeAsync("aria-current", "page");
            await Assertions.Expect(page.Locator("#thread-title")).ToHaveTextAsync("Second chat about pears");

            // Rename the open chat inline: the list item and the thread's title change.
            await secondItem.HoverAsync();
            await secondItem.Locator("a[aria-label^=Rename]").ClickAsync();
            var titleInput = secondItem.Locator("input[name=title]");
            await Assertions.Expect(titleInput).ToBeFocusedAsync();
            await titleInput.FillAsync("Pears, renamed");
            await secondItem.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(secondItem.Locator("a.chat-link")).ToHaveTextAsync("Pears, renamed");
            await Assertions.Expect(secondItem.Locator("a.chat-link")).ToHaveAttributeAsync("aria-current", "page");
            await Assertions.Expect(page.Locator("#thread-title")).ToHaveTextAsync("Pears, renamed");
            await Assertions.Expect(page).ToHaveTitleAsync("Pears, renamed · OpenChat");
            await Assertions.Expect(secondItem.Locator("input[name=title]")).ToHaveCountAsync(0);

            // Rename then cancel: nothing changes.
            await firstItem.HoverAsync();
            await firstItem.Locator("a[aria-label^=Rename]").ClickAsync();
            await firstItem.Locator("input[name=title]").FillAsync("Never saved");
            await firstItem.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
            await Assertions.Expect(firstItem.Locator("a.chat-link")).ToHaveTextAsync("First chat about apples");
            await Assertions.Expect(page.Locator("#thread-title")).ToHaveTextAsync("Pears, renamed");

            // Delete the other chat through the dialog: Cancel keeps it, "Delete chat" removes it; we stay on the open chat.
            var dialog = page.Locator("#delete-dialog");
            await firstItem.HoverAsync();
            await firstItem.Locator("a[aria-label^=Delete]").ClickAsync();
            await Assertions.Expect(dialog).ToBeVisibleAsync();
            await Assertions.Expect(dialog.GetByRole(AriaRole.Heading)).ToContainTextAsync("First chat about apples");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
            await Assertions.Expect(firstItem).ToBeVisibleAsync();

            await firstItem.HoverAsync();
            await firstItem.Locator("a[aria-label^=Delete]").ClickAsync();
            await Assertions.Expect(dialog).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete chat" }).ClickAsync();
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
            await Assertions.Expect(firstItem).ToHaveCountAsync(0);
            await Assertions.Expect(page).ToHaveURLAsync(env.Url("chat/" + second.ToString("D")));
            await Assertions.Expect(page.Locator("#chat-list li.chat-item")).ToHaveCountAsync(1);

            // Delete the open chat: back to the dashboard with an empty list.
            await secondItem.HoverAsync();
            await secondItem.Locator("a[aria-label^=Delete]").ClickAsync();
            await Assertions.Expect(dialog).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete chat" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(env.Url("chat"));
            await Assertions.Expect(page.Locator("#chat-list li.chat-item")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#chat-list")).ToContainTextAsync("No chats yet");

            // And it is really gone.
            var response = await page.GotoAsync(env.Url("chat/" + second.ToString("D")));
            Assert.Equal(404, response!.Status);
        });
    }

    [Theory]
    [InlineData("light", 1280)]
    [InlineData("dark", 1280)]
    [InlineData("light", 390)]
    [InlineData("dark", 390)]
    public async Task ChatBrowser_finished_thread_has_no_serious_accessibility_violations(string scheme, int width)
    {
        await using var env = await ChatEnv.StartAsync();
        const string rich =
            "## Plan\n\nHere is a **plan** with a [link](https://example.com/docs) and `inline code`.\n\n" +
            "1. Read the file\n2. Parse each line\n3. Print the total\n\n" +
            "| Step | Time |\n|------|------|\n| Read | 2 ms |\n| Parse | 5 ms |\n\n" +
            "```csharp\n// A long line to check that code scrolls inside its block instead of widening the page.\nvar total = File.ReadLines(\"numbers-with-a-rather-long-file-name.txt\").Select(int.Parse).Sum(); Console.WriteLine($\"Total: {total}\");\n```\n\n" +
            "> A quote to finish.";
        env.Llm.EnqueueReply(FakeReply.Text(rich));
        var name = $"chat-thread-{scheme}-{width}";
        var options = SharedBrowser.DefaultContextOptions();
        options.ViewportSize = new() { Width = width, Height = 900 };
        options.ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light;

        await SharedBrowser.RunAsync(name, async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            await SendAsync(page, "Make a plan to sum the numbers in a file, with a table and code");
            await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
            var reply = page.Locator("#thread article[data-role=assistant]");
            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "complete");
            await Assertions.Expect(reply.Locator(".code-block [data-copy=code]")).ToBeVisibleAsync();
            // A full-page capture of a page scrolled to the bottom draws fixed and sticky parts mid-page: capture from the top.
            await page.EvaluateAsync("() => window.scrollTo({ top: 0, behavior: 'instant' })");
            await SharedBrowser.ScreenshotAsync(page, name);
            // What a person sees: the viewport, scrolled to the end of the thread.
            await page.EvaluateAsync("() => window.scrollTo({ top: document.documentElement.scrollHeight, behavior: 'instant' })");
            await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.TestResultsFolder("screenshots"), name + "-viewport.png") });
            if (width >= 768)
            {
                // The sidebar stays in view while the thread scrolls, and its items fit inside it.
                Assert.Equal(0, await page.EvaluateAsync<double>("() => document.getElementById('sidebar').getBoundingClientRect().top"));
                Assert.True(await page.EvaluateAsync<bool>("() => { const s = document.getElementById('sidebar'); return s.scrollWidth <= s.clientWidth; }"), "The sidebar's content is wider than the sidebar");
            }

            // Nothing may widen the page past the viewport (long code lines scroll inside their block).
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"The page is {overflow} px wider than the viewport at {width} px");

            await Accessibility.AssertNoSeriousViolationsAsync(page);
        }, options);
    }

    [Fact]
    public async Task ChatBrowser_rate_limited_reply_explains_when_to_retry_and_retry_works()
    {
        await using var env = await ChatEnv.StartAsync();
        env.Llm.EnqueueReply(FakeReply.Fail(429) with { RetryAfterSeconds = 7 });

        await SharedBrowser.RunAsync(nameof(ChatBrowser_rate_limited_reply_explains_when_to_retry_and_retry_works), async page =>
        {
            await page.GotoAsync(env.Url("chat"));
            await SendAsync(page, "Are you busy?");
            await Assertions.Expect(page).ToHaveURLAsync(ThreadUrl());
            var reply = page.Locator("#thread article[data-role=assistant]");
            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "error");
            await Assertions.Expect(reply.Locator("[role=alert]")).ToContainTextAsync("Try again in 7 seconds");
            await Assertions.Expect(page.Locator("#composer-action button")).ToHaveTextAsync("Send");
            Assert.Single(env.Llm.ChatRequests);

            env.Llm.EnqueueReply(FakeReply.Text("Not busy ", "any more."));
            await reply.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
            await Assertions.Expect(reply).ToHaveAttributeAsync("data-status", "complete");
            await Assertions.Expect(reply.Locator(".prose")).ToHaveTextAsync("Not busy any more.");
            await Assertions.Expect(reply.Locator("[role=alert]")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#thread article")).ToHaveCountAsync(2);
            Assert.Equal(2, env.Llm.ChatRequests.Count);
        });
    }

    // ---- helpers ----

    /// <summary>Remembers each distinct text of the streaming reply (blocks + tail, whitespace collapsed) in <c>window.__replyStates</c>.</summary>
    private const string RecorderScript = """
        () => {
          window.__replyStates = [];
          const record = () => {
            const reply = document.querySelector('#thread article[data-role=assistant][data-status=streaming]');
            if (!reply) return;
            const text = (reply.querySelector('.message-body')?.textContent ?? '').replace(/\s+/g, ' ').trim();
            const states = window.__replyStates;
            if (states[states.length - 1] !== text) states.push(text);
          };
          new MutationObserver(record).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
        }
        """;

    private static string Flatten(string markdown) => Regex.Replace(markdown.Replace("```csharp", "", StringComparison.Ordinal).Replace("```", "", StringComparison.Ordinal), "\\s+", " ").Trim();

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Regex ThreadUrl() => ThreadUrlPattern();

    private static Guid ChatIdOf(string url) => Guid.Parse(ThreadUrlPattern().Match(url).Groups[1].Value);

    private static async Task SendAsync(IPage page, string text)
    {
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync(text);
        await page.Locator("#composer-action").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
    }

    /// <summary>Waits until the tab's EventSource is open (htmx-ext-sse keeps it on the sse-connect element).</summary>
    private static async Task WaitForLiveStreamAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => { const el = document.querySelector('[sse-connect]'); const src = el && el['htmx-internal-data'] && el['htmx-internal-data'].sseEventSource; return !!src && src.readyState === 1; }");

    private static async Task AssertInertAsync(ILocator reply)
    {
        var prose = reply.Locator(".prose");
        await Assertions.Expect(reply.Locator("script, img, iframe, object, embed, [onerror], [onload]")).ToHaveCountAsync(0);
        await Assertions.Expect(reply.Locator(".message-body [hx-get], .message-body [hx-trigger], .message-body [hx-post], .message-body [data-hx-get]")).ToHaveCountAsync(0);
        await Assertions.Expect(prose.Locator("a[href^='javascript:' i]")).ToHaveCountAsync(0);
        await Assertions.Expect(prose).ToHaveAttributeAsync("hx-disable", "");
    }

    [GeneratedRegex("/chat/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")]
    private static partial Regex ThreadUrlPattern();
}
