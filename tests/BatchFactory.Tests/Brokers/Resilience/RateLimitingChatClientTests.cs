using System.Collections.Concurrent;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>Rate limits on a chat client: requests and tokens per minute on a fake clock, and calls in flight.</summary>
public sealed class RateLimitingChatClientTests
{
    private static readonly TimeSpan s_minute = TimeSpan.FromMinutes(1);
    private readonly ManualTimeProvider _time = new();
    // Answers "ok" with no usage unless a test says otherwise.
    private readonly FakeChatClient _inner = new() { OnGetResponse = (_, _, _, _) => Task.FromResult(FakeChatClient.Reply()) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponseAsync_MoreRequestsThanThePerMinuteLimit_SendsTheLimitEachMinute()
    {
        var sentAt = new ConcurrentQueue<TimeSpan>();
        _inner.OnGetResponse = (_, _, _, _) =>
        {
            sentAt.Enqueue(_time.Elapsed);
            return Task.FromResult(FakeChatClient.Reply());
        };
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { RequestsPerMinute = 5, TimeProvider = _time });

        var calls = Enumerable.Range(0, 12).Select(i => client.GetResponseAsync($"question {i}", cancellationToken: Token)).ToList();
        Assert.Equal(5, _inner.Calls);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(5, _inner.Calls);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _inner.Calls == 10, "the second minute's five requests are sent");
        _time.Advance(s_minute);
        await Eventually.Within(Task.WhenAll(calls));

        Assert.Equal(
            [(0, 5), (60, 5), (120, 2)],
            sentAt.GroupBy(t => (int)t.TotalSeconds).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key));
        Assert.All(sentAt, start => Assert.InRange(sentAt.Count(t => t >= start && t < start + s_minute), 1, 5));
    }

    [Fact]
    public async Task GetResponseAsync_SlowCall_CountsForAWholeMinuteFromWhenItEnded()
    {
        // A provider counts a request when it arrives, later than the client let it go: counting each request for a
        // minute from when its call ended keeps the provider's count within the limit too.
        var release = new TaskCompletionSource<ChatResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inner.OnGetResponse = (_, _, _, _) => _inner.Calls == 1 ? release.Task : Task.FromResult(FakeChatClient.Reply());
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { RequestsPerMinute = 1, TimeProvider = _time });

        var slow = client.GetResponseAsync("slow", cancellationToken: Token);
        _time.Advance(TimeSpan.FromSeconds(30));
        release.SetResult(FakeChatClient.Reply());
        await Eventually.Within(slow);
        var next = client.GetResponseAsync("next", cancellationToken: Token);
        _time.Advance(TimeSpan.FromSeconds(59));

        Assert.Equal(1, _inner.Calls);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.Within(next);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CallersEstimateAndReportedUsage_ReservesTheEstimateAndSettlesToTheUsage()
    {
        _inner.OnGetResponse = (_, _, _, _) => Task.FromResult(FakeChatClient.Reply(totalTokens: 100));
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { TokensPerMinute = 1000, TimeProvider = _time });

        await Eventually.Within(client.GetResponseAsync("a", Expecting(800), Token));
        await Eventually.Within(client.GetResponseAsync("b", Expecting(800), Token));
        var third = client.GetResponseAsync("c", Expecting(900), Token);

        Assert.Equal(2, _inner.Calls);
        Assert.False(third.IsCompleted, "200 tokens used plus 900 expected is more than 1000");
        _time.Advance(s_minute);
        await Eventually.Within(third);
        Assert.Equal(3, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_NoUsageReported_KeepsTheReservation()
    {
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { TokensPerMinute = 1000, TimeProvider = _time });

        await Eventually.Within(client.GetResponseAsync("a", Expecting(600), Token));
        var second = client.GetResponseAsync("b", Expecting(600), Token);

        Assert.False(second.IsCompleted);
        _time.Advance(s_minute);
        await Eventually.Within(second);
    }

    [Fact]
    public async Task GetResponseAsync_UsageAboveTheEstimate_TakesTheOverageFromTheMinute()
    {
        _inner.OnGetResponse = (_, _, _, _) => Task.FromResult(FakeChatClient.Reply(totalTokens: 1000));
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { TokensPerMinute = 1000, TimeProvider = _time });

        await Eventually.Within(client.GetResponseAsync("a", Expecting(100), Token));
        var second = client.GetResponseAsync("b", Expecting(100), Token);

        Assert.False(second.IsCompleted);
        _time.Advance(s_minute);
        await Eventually.Within(second);
    }

    [Fact]
    public async Task GetResponseAsync_NoEstimateGiven_ReservesPromptCharactersOverFourPlusMaxOutputTokens()
    {
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { TokensPerMinute = 100, TimeProvider = _time });

        await Eventually.Within(client.GetResponseAsync(new string('x', 200), new ChatOptions { MaxOutputTokens = 50 }, Token));
        var next = client.GetResponseAsync("x", new ChatOptions { MaxOutputTokens = 0 }, Token);

        Assert.False(next.IsCompleted, "50 + 50 tokens fill the minute");
        _time.Advance(s_minute);
        await Eventually.Within(next);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UsageInTheUpdates_SettlesTheReservation()
    {
        _inner.OnGetStreamingResponse = (_, _, _, _) => FakeChatClient.Updates(
            new ChatResponseUpdate(ChatRole.Assistant, "ok"),
            new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { TotalTokenCount = 100 })] });
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { TokensPerMinute = 1000, TimeProvider = _time });

        await foreach (var _ in client.GetStreamingResponseAsync("a", Expecting(800), Token))
        {
        }

        await Eventually.Within(client.GetResponseAsync("b", Expecting(800), Token));
    }

    [Fact]
    public async Task GetResponseAsync_MaxConcurrency_CapsCallsInFlight()
    {
        using var gate = new SemaphoreSlim(0);
        _inner.OnGetResponse = async (_, _, _, ct) =>
        {
            await gate.WaitAsync(ct);
            return FakeChatClient.Reply();
        };
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { MaxConcurrency = 2, TimeProvider = _time });

        var calls = Enumerable.Range(0, 5).Select(i => client.GetResponseAsync($"q{i}", cancellationToken: Token)).ToList();
        Assert.Equal(2, _inner.Calls);
        gate.Release();
        await Eventually.TrueAsync(() => _inner.Calls == 3, "a third call starts when one finishes");
        gate.Release(4);
        await Eventually.Within(Task.WhenAll(calls));

        Assert.Equal(5, _inner.Calls);
        Assert.Equal(2, _inner.MaxInFlight);
    }

    [Fact]
    public async Task GetResponseAsync_CancelledWhileQueued_ThrowsWithoutCallingAndFreesNothingItDidNotHold()
    {
        using var gate = new SemaphoreSlim(0);
        _inner.OnGetResponse = async (_, _, _, ct) =>
        {
            await gate.WaitAsync(ct);
            return FakeChatClient.Reply();
        };
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { MaxConcurrency = 1, TimeProvider = _time });
        var first = client.GetResponseAsync("first", cancellationToken: Token);
        using var cancel = new CancellationTokenSource();
        var queued = client.GetResponseAsync("queued", cancellationToken: cancel.Token);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal(1, _inner.Calls);
        var third = client.GetResponseAsync("third", cancellationToken: Token);
        Assert.Equal(1, _inner.Calls);
        gate.Release(2);
        await Eventually.Within(Task.WhenAll(first, third));
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CancelledWhileWaitingForTokens_GivesItsSlotBack()
    {
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { MaxConcurrency = 1, TokensPerMinute = 100, TimeProvider = _time });
        await Eventually.Within(client.GetResponseAsync("a", Expecting(100), Token));
        using var cancel = new CancellationTokenSource();
        var waiting = client.GetResponseAsync("b", Expecting(100), cancel.Token);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        _time.Advance(s_minute);

        await Eventually.Within(client.GetResponseAsync("c", Expecting(100), Token));
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task Dispose_WithCallsWaiting_FailsThemAndDisposesTheInnerClient()
    {
        var client = new RateLimitingChatClient(_inner, new RateLimitOptions { RequestsPerMinute = 1, TimeProvider = _time });
        await Eventually.Within(client.GetResponseAsync("a", cancellationToken: Token));
        var waiting = client.GetResponseAsync("b", cancellationToken: Token);

        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        Assert.True(_inner.Disposed);
    }

    [Fact]
    public void Constructor_OptionOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitingChatClient(_inner, new RateLimitOptions { RequestsPerMinute = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitingChatClient(_inner, new RateLimitOptions { TokensPerMinute = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitingChatClient(_inner, new RateLimitOptions { MaxConcurrency = 0 }));
    }

    private static ChatOptions Expecting(int tokens) =>
        new() { AdditionalProperties = new() { [RateLimitOptions.ExpectedTokensKey] = tokens } };

    [Fact]
    public async Task GetResponseAsync_QueuedForTheRequestsPerMinute_TellsTheCallsOpHowLongItWasHeldBack()
    {
        var counters = new BatchFactory.Brokers.BrokerCounters();
        using var client = new RateLimitingChatClient(_inner, new RateLimitOptions { RequestsPerMinute = 1, TimeProvider = _time });
        BatchFactory.Brokers.CallScope.Current = new(new(2, "AskLLM › CallLLM", null, counters), "e1", null!);

        await client.GetResponseAsync("first", cancellationToken: Token);
        var second = client.GetResponseAsync("second", cancellationToken: Token);
        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(15));
        await Eventually.Within(second);

        Assert.Equal(s_minute, counters.Snapshot(ModelPrices.Default).Waited);
    }
}
