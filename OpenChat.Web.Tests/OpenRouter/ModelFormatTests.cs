using OpenChat.Web.OpenRouter;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.OpenRouter;

[Trait("Category", TestCategories.Unit)]
public sealed class ModelFormatTests
{
    [Theory]
    [InlineData("0.00000015", "0.0000006", "$0.15 / $0.60 per 1M")]
    [InlineData("0.00000013", "0.0000004", "$0.13 / $0.40 per 1M")]
    [InlineData("0.000015", "0.000075", "$15.00 / $75.00 per 1M")]
    [InlineData("0.000000075", "0.0000003", "$0.075 / $0.30 per 1M")]
    [InlineData("0.0000000375", "0.00000015", "$0.0375 / $0.15 per 1M")]
    [InlineData("0.00125", "0.005", "$1,250.00 / $5,000.00 per 1M")]
    [InlineData("0", "0.0000006", "$0.00 / $0.60 per 1M")]
    [InlineData("1.5e-7", "6E-7", "$0.15 / $0.60 per 1M")]
    [InlineData("0.00000000001", "0.0000006", "<$0.0001 / $0.60 per 1M")]
    [InlineData("0", "0", "Free")]
    [InlineData("-1", "-1", "Price varies")]
    [InlineData(null, "0.0000006", "Price varies")]
    [InlineData("not a number", "0.0000006", "Price varies")]
    public void Prices_read_per_million_tokens(string? prompt, string? completion, string expected) =>
        Assert.Equal(expected, ModelFormat.PricePerMillion(ModelFormat.ParsePrice(prompt), ModelFormat.ParsePrice(completion)));

    [Fact]
    public void Prices_parse_exactly_as_decimals()
    {
        // A double would make 0.00000015 * 1e6 = 0.15000000000000002; decimal keeps it exact.
        Assert.Equal(0.00000015m, ModelFormat.ParsePrice("0.00000015"));
        Assert.Equal(0.15m, ModelFormat.ParsePrice("0.00000015")!.Value * 1_000_000m);
        Assert.Equal(0.6m, ModelFormat.ParsePrice("0.0000006")!.Value * 1_000_000m);
    }

    [Theory]
    [InlineData(128000, "128K context")]
    [InlineData(131072, "131K context")]
    [InlineData(200000, "200K context")]
    [InlineData(32768, "32.8K context")]
    [InlineData(8192, "8.2K context")]
    [InlineData(96000, "96K context")]
    [InlineData(1048576, "1.05M context")]
    [InlineData(2000000, "2M context")]
    [InlineData(512, "512 context")]
    [InlineData(null, null)]
    [InlineData(0, null)]
    public void Context_lengths_read_in_thousands_or_millions(int? tokens, string? expected) =>
        Assert.Equal(expected, ModelFormat.Context(tokens));

    [Fact]
    public void Provider_and_short_name_come_from_the_id_and_the_name()
    {
        var model = new ModelInfo("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", 128000, 0.00000015m, 0.0000006m, ["text", "image", "file"]);

        Assert.Equal("openai", model.Provider);
        Assert.Equal("OpenAI", model.ProviderName);
        Assert.Equal("GPT-4o-mini", model.ShortName);
        Assert.True(model.AcceptsImages);
        Assert.True(model.AcceptsFiles);

        var plain = new ModelInfo("openrouter/auto", "Auto Router", null, null, null, ["text"]);
        Assert.Equal("openrouter", plain.ProviderName);
        Assert.Equal("Auto Router", plain.ShortName);
        Assert.False(plain.AcceptsImages);
    }

    [Fact]
    public void Search_needs_every_term_somewhere_in_name_id_or_provider()
    {
        var model = new ModelInfo("meta-llama/llama-3.3-70b-instruct", "Meta: Llama 3.3 70B Instruct", 131072, null, null, ["text"]);

        Assert.True(model.Matches(["llama", "70b"]));
        Assert.True(model.Matches(["META"]));
        Assert.True(model.Matches([]));
        Assert.False(model.Matches(["llama", "gpt"]));
    }

    [Fact]
    public void Groups_are_providers_in_alphabetical_order_with_models_by_name()
    {
        var groups = ModelPicker.Group(
        [
            new ModelInfo("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", null, null, null, []),
            new ModelInfo("anthropic/claude-sonnet-4", "Anthropic: Claude Sonnet 4", null, null, null, []),
            new ModelInfo("openai/gpt-4.1", "OpenAI: GPT-4.1", null, null, null, []),
        ]);

        Assert.Equal(["Anthropic", "OpenAI"], groups.Select(g => g.Label));
        Assert.Equal(["openai/gpt-4.1", "openai/gpt-4o-mini"], groups[1].Models.Select(m => m.Id));
    }
}
