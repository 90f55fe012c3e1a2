using System.ClientModel;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>Retries of an embedding generator's transient failures, on a fake clock.</summary>
public sealed class RetryingEmbeddingGeneratorTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeEmbeddingGenerator _inner = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateAsync_503WithRetryAfter_RetriesAfterTheWait()
    {
        _inner.OnGenerate = (call, values, _, _) => call == 1
            ? Task.FromException<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>>(ProviderErrors.Status(503, ("Retry-After", "2")))
            : Task.FromResult(FakeEmbeddingGenerator.Embeddings(values.Count()));
        using var generator = new RetryingEmbeddingGenerator(_inner, new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), TimeProvider = _time });

        var call = generator.GenerateAsync(["a", "b"], cancellationToken: Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the generator waits to retry");
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, _inner.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(2, (await Eventually.Within(call)).Count);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task GenerateAsync_401_FailsAtOnce()
    {
        _inner.OnGenerate = (_, _, _, _) => throw ProviderErrors.Status(401);
        using var generator = new RetryingEmbeddingGenerator(_inner, new RetryOptions { TimeProvider = _time });

        await Assert.ThrowsAsync<ClientResultException>(() => generator.GenerateAsync(["a"], cancellationToken: Token));

        Assert.Equal(1, _inner.Calls);
    }
}
