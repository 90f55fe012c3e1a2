using System.Collections.Concurrent;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>Retries and rate limits stacked by the builder extensions: retries outside, limits inside.</summary>
public sealed class ResilienceBuilderExtensionsTests
{
    private readonly ManualTimeProvider _time = new();
    // Answers "ok" with no usage unless a test says otherwise.
    private readonly FakeChatClient _inner = new() { OnGetResponse = (_, _, _, _) => Task.FromResult(FakeChatClient.Reply()) };
    private readonly ConcurrentQueue<(string Prompt, TimeSpan At)> _attempts = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UseBatchFactoryResilience_ARetry_PassesTheRateLimitAgain()
    {
        RefuseFirstAttemptOf("q", retryAfterSeconds: 1);
        using var client = new ChatClientBuilder(_inner)
            .UseBatchFactoryResilience(new RateLimitOptions { RequestsPerMinute = 1, TimeProvider = _time }, Retries())
            .Build();

        var requests = client.GetService<RateLimitingChatClient>()!.Gate.Limiters.Requests!;

        var call = client.GetResponseAsync("q", cancellationToken: Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 2, "the call waits to retry (and its request to leave the minute)");
        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => requests.GetStatistics()!.CurrentQueuedCount == 1, "the retry queues at the rate limiter");
        _time.Advance(TimeSpan.FromSeconds(59));
        await Eventually.Within(call);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(1)], _attempts.Select(a => a.At));
    }

    [Fact]
    public async Task UseBatchFactoryResilience_WhileACallWaitsToRetry_ItHoldsNoConcurrencySlot()
    {
        // A 503: unlike a 429, it does not pause the other calls, so "other" can go out while "refused" waits.
        RefuseFirstAttemptOf("refused", retryAfterSeconds: 10, status: 503);
        using var client = new ChatClientBuilder(_inner)
            .UseBatchFactoryResilience(new RateLimitOptions { MaxConcurrency = 1, TimeProvider = _time }, Retries())
            .Build();

        var refused = client.GetResponseAsync("refused", cancellationToken: Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the refused call waits to retry");
        await Eventually.Within(client.GetResponseAsync("other", cancellationToken: Token));
        await _time.RunUntilDoneAsync(refused);
        await refused;

        Assert.Equal([("refused", TimeSpan.Zero), ("other", TimeSpan.Zero), ("refused", TimeSpan.FromSeconds(10))], _attempts);
    }

    [Fact]
    public void UseBatchFactoryResilience_Build_PutsRetriesOutsideTheRateLimiter()
    {
        using var client = new ChatClientBuilder(_inner).UseBatchFactoryResilience().Build();

        Assert.IsType<RetryingChatClient>(client);
        Assert.NotNull(client.GetService<RateLimitingChatClient>());
    }

    [Fact]
    public async Task UseBatchFactoryResilience_Embeddings_ARetryPassesTheRateLimitAgain()
    {
        var inner = new FakeEmbeddingGenerator();
        var at = new ConcurrentQueue<TimeSpan>();
        inner.OnGenerate = (call, values, _, _) =>
        {
            at.Enqueue(_time.Elapsed);
            return call == 1
                ? Task.FromException<GeneratedEmbeddings<Embedding<float>>>(ProviderErrors.Status(429, ("Retry-After", "1")))
                : Task.FromResult(FakeEmbeddingGenerator.Embeddings(values.Count()));
        };
        using var generator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(inner)
            .UseBatchFactoryResilience(new RateLimitOptions { RequestsPerMinute = 1, TimeProvider = _time }, Retries())
            .Build();

        var requests = generator.GetService<RateLimitingEmbeddingGenerator>()!.Gate.Limiters.Requests!;

        var call = generator.GenerateAsync(["a"], cancellationToken: Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 2, "the call waits to retry (and its request to leave the minute)");
        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => requests.GetStatistics()!.CurrentQueuedCount == 1, "the retry queues at the rate limiter");
        _time.Advance(TimeSpan.FromSeconds(59));
        await Eventually.Within(call);

        Assert.IsType<RetryingEmbeddingGenerator>(generator);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(1)], at);
    }

    [Fact]
    public void UseRateLimiting_OptionOutOfRange_ThrowsWhenAddedNotWhenBuilt()
    {
        var builder = new ChatClientBuilder(_inner);

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseRateLimiting(new RateLimitOptions { MaxConcurrency = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseRetries(new RetryOptions { MaxRetries = -1 }));
    }

    private RetryOptions Retries() => new() { BaseDelay = TimeSpan.FromMilliseconds(100), UseJitter = false, TimeProvider = _time };

    private void RefuseFirstAttemptOf(string prompt, int retryAfterSeconds, int status = 429)
    {
        var refused = 0;
        _inner.OnGetResponse = (_, messages, _, _) =>
        {
            var text = messages.Single().Text;
            _attempts.Enqueue((text, _time.Elapsed));
            return text == prompt && Interlocked.Exchange(ref refused, 1) == 0
                ? Task.FromException<ChatResponse>(ProviderErrors.Status(status, ("Retry-After", retryAfterSeconds.ToString())))
                : Task.FromResult(FakeChatClient.Reply());
        };
    }
}
