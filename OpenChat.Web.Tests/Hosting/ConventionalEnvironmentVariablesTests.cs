using Microsoft.Extensions.Configuration;
using OpenChat.Web.Hosting;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Hosting;

[Trait("Category", TestCategories.Unit)]
public sealed class ConventionalEnvironmentVariablesTests
{
    [Fact]
    public void Conventional_names_map_onto_settings_and_win_over_appsettings()
    {
        var environment = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = "postgres://u:p@db:5432/chat",
            ["OPENROUTER_API_KEY"] = " sk-or-v1-operator ",
            ["OPENROUTER_BASE_URL"] = "http://127.0.0.1:9/api/v1",
            ["POSTHOG_API_KEY"] = "phc_test",
            ["POSTHOG_HOST"] = "https://eu.i.posthog.com",
        };
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OpenRouter:BaseUrl"] = "https://openrouter.ai/api/v1" })
            .AddConventionalEnvironmentVariables(name => environment.GetValueOrDefault(name))
            .Build();

        Assert.Equal("postgres://u:p@db:5432/chat", configuration.GetConnectionString("Postgres"));
        Assert.Equal("sk-or-v1-operator", configuration["OpenRouter:ApiKey"]);
        Assert.Equal("http://127.0.0.1:9/api/v1", configuration["OpenRouter:BaseUrl"]);
        Assert.Equal("phc_test", configuration["PostHog:ApiKey"]);
        Assert.Equal("https://eu.i.posthog.com", configuration["PostHog:Host"]);
    }

    [Fact]
    public void Unset_or_blank_variables_leave_settings_alone()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OpenRouter:BaseUrl"] = "https://openrouter.ai/api/v1" })
            .AddConventionalEnvironmentVariables(name => name == "OPENROUTER_BASE_URL" ? "  " : null)
            .Build();

        Assert.Equal("https://openrouter.ai/api/v1", configuration["OpenRouter:BaseUrl"]);
        Assert.Null(configuration.GetConnectionString("Postgres"));
    }
}
