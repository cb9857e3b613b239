using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Hosting;

/// <summary>A bad setting stops start-up with a message that names the setting.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("OpenRouter:BaseUrl", "ftp://openrouter.example/api", "OpenRouter:BaseUrl")]
    [InlineData("OpenRouter:MaxOutputTokens", "0", "OpenRouter:MaxOutputTokens")]
    [InlineData("OpenRouter:DefaultModel", " ", "OpenRouter:DefaultModel")]
    [InlineData("PostHog:Host", "not a url", "PostHog:Host")]
    [InlineData("ConnectionStrings:Postgres", "postgres://", "DATABASE_URL")]
    [InlineData("ConnectionStrings:Postgres", "Hots=typo", "ConnectionStrings:Postgres")]
    public void A_bad_setting_stops_start_up_naming_it(string setting, string value, string named)
    {
        using var host = new AppHost(new Dictionary<string, string?> { [setting] = value });

        var error = Assert.ThrowsAny<Exception>(() => host.Start());

        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_folder_that_cannot_be_created_stops_start_up_naming_the_path()
    {
        var blocked = Path.Combine(Path.GetTempPath(), $"openchat-blocked-{Guid.NewGuid():N}");
        File.WriteAllText(blocked, "a file where the data folder's parent should be");
        try
        {
            using var host = new AppHost(new Dictionary<string, string?> { ["Storage:DataPath"] = Path.Combine(blocked, "data") });

            var error = Assert.ThrowsAny<Exception>(() => host.Start());

            Assert.Contains(blocked, error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(blocked);
        }
    }
}
