using Microsoft.Extensions.AI;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>Rate limits on an embedding generator, on a fake clock.</summary>
public sealed class RateLimitingEmbeddingGeneratorTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeEmbeddingGenerator _inner = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateAsync_MoreRequestsThanThePerMinuteLimit_WaitsForTheNextMinute()
    {
        using var generator = new RateLimitingEmbeddingGenerator(_inner, new RateLimitOptions { RequestsPerMinute = 2, TimeProvider = _time });

        var calls = Enumerable.Range(0, 3).Select(i => generator.GenerateAsync(["a", "b"], cancellationToken: Token)).ToList();

        Assert.Equal(2, _inner.Calls);
        _time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.Within(Task.WhenAll(calls));
        Assert.Equal(3, _inner.Calls);
    }

    [Fact]
    public async Task GenerateAsync_TokensPerMinute_ReservesInputCharactersOverFourAndSettlesToTheUsage()
    {
        _inner.OnGenerate = (_, values, _, _) => Task.FromResult(FakeEmbeddingGenerator.Embeddings(values.Count(), totalTokens: 10));
        using var generator = new RateLimitingEmbeddingGenerator(_inner, new RateLimitOptions { TokensPerMinute = 100, TimeProvider = _time });

        await Eventually.Within(generator.GenerateAsync([new string('x', 360)], cancellationToken: Token));
        await Eventually.Within(generator.GenerateAsync([new string('x', 200), new string('x', 160)], cancellationToken: Token));
        var third = generator.GenerateAsync([new string('x', 360)], cancellationToken: Token);

        Assert.False(third.IsCompleted, "20 tokens used plus 90 expected is more than 100");
        _time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.Within(third);
    }
}
