using OpenChat.Web.Hosting;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Hosting;

/// <summary>Issue 13 item 17: started as shipped (log level Information), the app says where it runs and stays quiet otherwise.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class QuietStartTests
{
    [Fact]
    public async Task The_app_prints_its_url_and_a_failing_model_list_is_one_warning_line_without_http_client_chatter()
    {
        var dataPath = Directory.CreateTempSubdirectory("openchat-quiet-").FullName;
        try
        {
            using var app = await AppProcess.StartAsync(dataPath, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" });
            using var client = new HttpClient { BaseAddress = app.BaseAddress };
            using (await client.GetAsync("/chat"))
            {
            }

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!app.Output.Contains("Fetching the model list failed", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "no model-list warning in:\n" + app.Output);
                await Task.Delay(50);
            }

            var output = app.Output;
            Assert.Contains($"OpenChat is running at {app.BaseAddress.ToString().TrimEnd('/')}", output, StringComparison.Ordinal);
            Assert.Equal(1, output.Split('\n').Count(l => l.Contains("Fetching the model list failed", StringComparison.Ordinal)));
            Assert.DoesNotContain(output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
            Assert.DoesNotContain("Start processing HTTP request", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Sending HTTP request", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://+:8080", "http://localhost:8080")]
    [InlineData("http://[::]:8080", "http://localhost:8080")]
    [InlineData("http://0.0.0.0:5080", "http://localhost:5080")]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080")]
    public void A_wildcard_address_is_printed_as_localhost(string address, string printed) =>
        Assert.Equal(printed, StartupAddress.Browsable(address));
}
