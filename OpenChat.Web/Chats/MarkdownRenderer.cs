using System.Net;
using System.Text;
using ColorCode;
using Ganss.Xss;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Microsoft.Extensions.Caching.Memory;

namespace OpenChat.Web.Chats;

/// <summary>
/// Turns model output (untrusted) into safe HTML: Markdig with raw HTML disabled, code highlighted on the
/// server with CSS classes, then HtmlSanitizer: links only to absolute http/https addresses and mailto (<see cref="LinkPolicy"/>;
/// others become plain text)
/// with <c>rel="noopener noreferrer nofollow"</c>, no images, no styles, no event or <c>hx-*</c> attributes.
/// The caller still places the result inside an <c>hx-disable</c> container. Rendering is bounded: a text that Markdig could not
/// render in bounded time or size (<see cref="MarkdownBudget"/>), or that makes it throw, is shown as escaped plain text.
/// </summary>
public sealed class MarkdownRenderer : IDisposable
{
    private static readonly MarkdownPipeline Pipeline = BuildPipeline();

    // Characters of markdown plus HTML kept for finished messages (about 2 bytes each, so ~32 MB at most).
    private const long CacheCharacters = 16 * 1024 * 1024;

    // The longest markdown worth keeping: longer ones are shown as plain text (MarkdownBudget), which costs next to nothing.
    private const int LongestCached = MarkdownBudget.MaxCharacters;

    // Rendered HTML beyond this many times its Markdown (plus 64 KB) is dropped for plain text before sanitising.
    private const int MaxGrowth = 16;

    private readonly HtmlSanitizer _sanitizer = BuildSanitizer();

    // Rendering is a pure function of the text, so the text itself is the key: nothing to invalidate, safe with
    // any number of instances. Re-rendering whole threads on every page view was the thread page's biggest cost.
    private readonly MemoryCache _finished = new(new MemoryCacheOptions { SizeLimit = CacheCharacters });

    /// <summary>
    /// <see cref="Render"/> for the text of a finished message (shown again on every view of its thread):
    /// remembered in a bounded cache. Text still streaming goes to <see cref="Render"/>.
    /// </summary>
    public string RenderFinished(string markdown)
    {
        if (string.IsNullOrEmpty(markdown) || markdown.Length > LongestCached)
        {
            return Render(markdown);
        }

        if (_finished.TryGetValue(markdown, out string? cached) && cached is not null)
        {
            return cached;
        }

        var html = Render(markdown);
        _finished.Set(markdown, html, new MemoryCacheEntryOptions { Size = markdown.Length + html.Length });
        return html;
    }

    public void Dispose() => _finished.Dispose();

    public string Render(string markdown)
    {
        if (string.IsNullOrEmpty(markdown))
        {
            return string.Empty;
        }

        if (!MarkdownBudget.Allows(markdown))
        {
            return PlainText(markdown);
        }

        try
        {
            var html = Markdown.ToHtml(markdown, Pipeline);
            // A safety net behind the budget: output far larger than its input is not worth sanitising.
            return html.Length > (MaxGrowth * markdown.Length) + 65_536 ? PlainText(markdown) : _sanitizer.Sanitize(html);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Markdig throws past its nesting limit ("[[[[…", ">>>>…"): the text is still shown, as text.
            return PlainText(markdown);
        }
    }

    /// <summary>The text itself, escaped, with its line breaks: what a reply Markdown cannot handle in bounded time shows.</summary>
    public static string PlainText(string text) => string.Concat("<p class=\"msg-text\">", Escape(text), "</p>");

    private static MarkdownPipeline BuildPipeline()
    {
        var builder = new MarkdownPipelineBuilder()
            .DisableHtml()
            .UsePipeTables()
            .UseGridTables()
            .UseEmphasisExtras()
            .UseTaskLists()
            .UseAutoLinks()
            .UseListExtras()
            .UseFootnotes();
        builder.Extensions.AddIfNotAlready<HighlightedCodeExtension>();
        return builder.Build();
    }

    private static HtmlSanitizer BuildSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "ins", "mark", "sub", "sup",
                "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
                "span", "div", "input", "button", "dl", "dt", "dd", "section", "figure", "figcaption",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "href", "title", "class", "colspan", "rowspan", "align", "start", "type", "checked", "disabled", "id", "data-copy", "aria-label",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        };
        var sanitizer = new HtmlSanitizer(options) { KeepChildNodes = true };
        sanitizer.PostProcessNode += static (_, e) =>
        {
            if (e.Node is not AngleSharp.Dom.IElement element)
            {
                return;
            }

            switch (element.LocalName)
            {
                case "a" when element.HasAttribute("href"):
                    element.SetAttribute("rel", "noopener noreferrer nofollow");
                    element.SetAttribute("target", "_blank");
                    break;
                case "a":
                    // A link whose scheme was refused keeps its text and stops being a link.
                    element.Replace(element.ChildNodes.ToArray());
                    break;
                case "input" when element.GetAttribute("type") != "checkbox":
                    element.Remove();
                    break;
                case "input":
                    element.SetAttribute("disabled", "disabled");
                    break;
                case "button" when !element.HasAttribute("data-copy"):
                    element.Replace(element.ChildNodes.ToArray());
                    break;
                case "button":
                    element.SetAttribute("type", "button");
                    break;
                case "pre":
                    // Long lines scroll sideways: keyboard users must be able to focus the block to scroll it.
                    element.SetAttribute("tabindex", "0");
                    break;
            }
        };
        // Relative and protocol-relative URLs would point into the app itself; model output never gets to link there.
        sanitizer.FilterUrl += static (_, e) =>
        {
            if (!LinkPolicy.Allows(e.OriginalUrl) || !LinkPolicy.Allows(e.SanitizedUrl))
            {
                e.SanitizedUrl = null;
            }
        };
        return sanitizer;
    }

    /// <summary>Renders fenced and indented code with ColorCode's class-based HTML plus a Copy button.</summary>
    private sealed class HighlightedCodeExtension : IMarkdownExtension
    {
        public void Setup(MarkdownPipelineBuilder pipeline)
        {
        }

        public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
        {
            if (renderer is HtmlRenderer html)
            {
                html.ObjectRenderers.ReplaceOrAdd<CodeBlockRenderer>(new HighlightedCodeBlockRenderer());
            }
        }
    }

    private sealed class HighlightedCodeBlockRenderer : HtmlObjectRenderer<CodeBlock>
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock block)
        {
            var language = (block as FencedCodeBlock)?.Info?.Trim() ?? string.Empty;
            var code = ExtractCode(block);
            var colorCodeLanguage = language.Length == 0 ? null : Languages.FindById(NormalizeLanguage(language));

            renderer.EnsureLine();
            renderer.Write("<div class=\"code-block\"><div class=\"code-bar\"><span class=\"code-lang\">")
                .WriteEscape(language.Length == 0 ? "text" : language)
                .Write("</span><button type=\"button\" class=\"copy\" data-copy=\"code\" aria-label=\"Copy code\">Copy</button></div>");
            if (colorCodeLanguage is null)
            {
                renderer.Write("<pre><code>").WriteEscape(code).Write("</code></pre>");
            }
            else
            {
                // ColorCode escapes the source itself; its wrapper <div><pre> carries no inline styles.
                // A formatter per block: it keeps the writer of the call in progress, so it is not thread-safe.
                renderer.Write(new HtmlClassFormatter().GetHtmlString(code, colorCodeLanguage));
            }

            renderer.WriteLine("</div>");
        }

        private static string ExtractCode(LeafBlock block)
        {
            var lines = block.Lines;
            var builder = new StringBuilder();
            for (var i = 0; i < lines.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append('\n');
                }

                builder.Append(lines.Lines[i].Slice.ToString());
            }

            return builder.ToString();
        }

        private static string NormalizeLanguage(string language) => language.ToLowerInvariant() switch
        {
            "js" or "javascript" or "jsx" or "mjs" => "javascript",
            "ts" or "typescript" or "tsx" => "typescript",
            "cs" or "c#" or "csharp" => "c#",
            "py" or "python" => "python",
            "ps" or "ps1" or "pwsh" => "powershell",
            "html" or "xml" or "svg" => "html",
            "cpp" or "c++" or "c" => "cpp",
            "json" => "json",
            var other => other,
        };
    }

    /// <summary>Plain text for places that show the reply without Markdown (kept escaped).</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);
}
