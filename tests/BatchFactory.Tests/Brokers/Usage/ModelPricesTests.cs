using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Usage;

/// <summary>Model prices: a dated model id costs what its alias costs.</summary>
public sealed class ModelPricesTests
{
    [Theory]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("claude-haiku-4-5-20251001", "claude-haiku-4-5")]
    [InlineData("claude-opus-4-1-20250805", "claude-opus-4-1")]
    [InlineData("claude-opus-4-20250514", "claude-opus-4-0")]
    [InlineData("claude-3-7-sonnet-20250219", "claude-3-7-sonnet-latest")]
    public void Cost_DatedId_IsItsAliasesPrice(string dated, string alias)
    {
        var prices = ModelPrices.Default;

        Assert.True(prices.Knows(dated));
        Assert.NotNull(prices.Cost(alias, 1_000_000, 1_000_000));
        Assert.Equal(prices.Cost(alias, 1_000_000, 1_000_000), prices.Cost(dated, 1_000_000, 1_000_000));
        Assert.Equal(prices.BatchCost(alias, 1_000_000, 1_000_000), prices.BatchCost(dated, 1_000_000, 1_000_000));
    }

    [Fact]
    public void Cost_DatedIdWithAPriceOfItsOwn_UsesItsOwn()
    {
        var prices = ModelPrices.Default.With("claude-sonnet-4-5-20250929", 1m, 1m);

        Assert.Equal(2m, prices.Cost("claude-sonnet-4-5-20250929", 1_000_000, 1_000_000));
        Assert.Equal(18m, prices.Cost("claude-sonnet-4-5", 1_000_000, 1_000_000));
    }

    [Theory]
    [InlineData("claude-sonnet-4-5-20251399")] // no such date
    [InlineData("claude-sonnet-4-5-2025092")] // seven digits
    [InlineData("gpt-4o-2024-08-06")] // OpenAI's snapshots are written otherwise, and may cost other than their alias
    public void Cost_IdNotEndingInADate_HasNoPrice(string model)
    {
        Assert.False(ModelPrices.Default.Knows(model));
        Assert.Null(ModelPrices.Default.Cost(model, 1_000_000, 1_000_000));
    }

    [Fact]
    public async Task Run_DatedClaudeId_IsPricedWithoutAWarning()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        var models = ModelProviders.Default.With("claude", new ProviderSettings { Kind = "openai-compatible", BaseUrl = server.BaseUri.ToString() });

        var result = await (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "claude-haiku-4-5-20251001@claude", "poem") | ToList("poem"))
            .RunCheckedAsync(new RunOptions { Models = models }, TestRuns.Token);

        Assert.True(result.Summary.Totals.Cost > 0m);
        Assert.DoesNotContain("no price", result.Summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DatedIdOfAModelTheProviderPrices_IsPricedAtTheProvidersPrice()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        var models = ModelProviders.Default.With("farm", new ProviderSettings
        {
            Kind = "openai-compatible",
            BaseUrl = server.BaseUri.ToString(),
            Prices = { ["house-model"] = new PriceSettings { Input = 1_000_000m, Output = 0m } },
        });

        var result = await (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "house-model-20260101@farm", "poem") | ToList("poem"))
            .RunCheckedAsync(new RunOptions { Models = models }, TestRuns.Token);

        Assert.True(result.Summary.Totals.InputTokens > 0);
        Assert.Equal((decimal)result.Summary.Totals.InputTokens, result.Summary.Totals.Cost);
    }
}
