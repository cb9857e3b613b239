using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Platform;

[Trait("Category", TestCategories.Integration)]
public sealed class HealthEndpointsTests : IClassFixture<FileBackedApp>
{
    private readonly AppHost _host;

    public HealthEndpointsTests(FileBackedApp fixture) => _host = fixture.Host;

    [Fact]
    public async Task Healthz_says_the_process_is_alive()
    {
        using var client = _host.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Readyz_reports_the_file_store_as_the_embedded_default()
    {
        using var client = _host.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("file", body.GetProperty("storage").GetProperty("data").GetProperty("storage_backend").GetString());
    }
}
