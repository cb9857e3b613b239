using System.IO.Compression;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

/// <summary>The app's own JavaScript stays under 5 KB gzipped (the vendored htmx is not counted).</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class JavaScriptBudgetTests
{
    private const int BudgetBytes = 5 * 1024;

    [Fact]
    public void Our_own_script_is_under_5_KB_gzipped()
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "wwwroot", "js");
        var scripts = Directory.EnumerateFiles(folder, "*.js", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(scripts);

        var total = scripts.Sum(path => GzippedLength(File.ReadAllBytes(path)));

        Assert.True(total < BudgetBytes, $"our JavaScript is {total:N0} bytes gzipped; the budget is {BudgetBytes:N0}");
    }

    private static long GzippedLength(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.Length;
    }
}
