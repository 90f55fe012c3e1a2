using System.ClientModel;
using System.Collections.Concurrent;
using System.Net;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>Retries of a chat client's transient failures, on a fake clock.</summary>
public sealed class RetryingChatClientTests
{
    private readonly ManualTimeProvider _time = new();
    // Answers "ok" with no usage unless a test says otherwise.
    private readonly FakeChatClient _inner = new() { OnGetResponse = (_, _, _, _) => Task.FromResult(FakeChatClient.Reply()) };
    private readonly ConcurrentQueue<TimeSpan> _attemptsAt = new();
    private readonly ConcurrentQueue<RetryEvent> _retries = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponseAsync_429WithRetryAfter3Seconds_RetriesAfterExactly3Seconds()
    {
        FailFirst(1, _ => ProviderErrors.Status(429, ("Retry-After", "3")));
        using var client = new RetryingChatClient(_inner, Options());

        var call = client.GetResponseAsync("q", cancellationToken: Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the client waits to retry");
        _time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.Equal(1, _inner.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.Within(call);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(3)], _attemptsAt);
    }

    [Fact]
    public async Task GetResponseAsync_AttemptLongerThanAttemptTimeout_IsAbandonedAndRetriedAsATimeout()
    {
        _inner.OnGetResponse = async (call, _, _, ct) =>
        {
            if (call == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return FakeChatClient.Reply("second attempt");
        };
        using var client = new RetryingChatClient(_inner, Options(attemptTimeout: TimeSpan.FromSeconds(2)));

        var call = client.GetResponseAsync("q", cancellationToken: Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the first attempt runs against its timeout");
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Empty(_retries);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => _retries.Count == 1, "the timed-out attempt is retried");
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var response = await Eventually.Within(call);

        Assert.Equal("second attempt", response.Text);
        Assert.Equal("timeout", Assert.Single(_retries).Reason);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_After429_OtherCallsWaitOutTheSamePause_InsteadOfHittingTheProvider()
    {
        FailFirst(1, _ => ProviderErrors.Status(429, ("Retry-After", "3")));
        using var client = new RetryingChatClient(_inner, Options());
        var refused = client.GetResponseAsync("first", cancellationToken: Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the refused call waits to retry");
        _time.Advance(TimeSpan.FromSeconds(1));

        var later = client.GetResponseAsync("second", cancellationToken: Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 2, "the new call waits for the pause");
        Assert.Equal(1, _inner.Calls);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.Within(refused);
        await Eventually.Within(later);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)], _attemptsAt.Order());
    }

    [Fact]
    public async Task GetResponseAsync_ServerErrors_DoNotPauseOtherCalls()
    {
        FailFirst(1, _ => ProviderErrors.Status(503));
        using var client = new RetryingChatClient(_inner, Options(baseDelay: TimeSpan.FromSeconds(2)));
        var failing = client.GetResponseAsync("first", cancellationToken: Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the failed call waits to retry");

        await Eventually.Within(client.GetResponseAsync("second", cancellationToken: Token));

        Assert.Equal(2, _inner.Calls);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.Within(failing);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterMs_IsPreferredToRetryAfter()
    {
        FailFirst(1, _ => ProviderErrors.Status(429, ("Retry-After", "2"), ("retry-after-ms", "1500")));
        using var client = new RetryingChatClient(_inner, Options());

        await RunAsync(client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(1500)], _attemptsAt);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterAsHttpDate_WaitsUntilThen()
    {
        var then = _time.GetUtcNow().AddSeconds(10).ToString("r");
        FailFirst(1, _ => ProviderErrors.Status(503, ("Retry-After", then)));
        using var client = new RetryingChatClient(_inner, Options());

        await RunAsync(client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(10)], _attemptsAt);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterLongerThanMaxDelay_IsStillHonoured()
    {
        FailFirst(1, _ => ProviderErrors.Status(429, ("Retry-After", "30")));
        using var client = new RetryingChatClient(_inner, Options(maxDelay: TimeSpan.FromSeconds(2)));

        await RunAsync(client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(30)], _attemptsAt);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterShorterThanTheBackoff_WaitsTheBackoff()
    {
        FailFirst(1, _ => ProviderErrors.Status(429, ("Retry-After", "1")));
        using var client = new RetryingChatClient(_inner, Options(baseDelay: TimeSpan.FromSeconds(4)));

        await RunAsync(client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(4)], _attemptsAt);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterLongerThanMaxRetryAfter_FailsAtOnce()
    {
        FailFirst(1, _ => ProviderErrors.Status(429, ("Retry-After", "600")));
        using var client = new RetryingChatClient(_inner, Options(maxRetryAfter: TimeSpan.FromMinutes(5)));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(429, error.Status);
        Assert.Equal(1, _inner.Calls);
        Assert.Empty(_retries);
    }

    [Fact]
    public async Task GetResponseAsync_Always500_RetriesMaxRetriesTimesThenTheLastErrorSurfaces()
    {
        FailFirst(int.MaxValue, call => ProviderErrors.Status(500, $"failure {call}"));
        using var client = new RetryingChatClient(_inner, Options(maxRetries: 3));

        var call = client.GetResponseAsync("q", cancellationToken: Token);
        await _time.RunUntilDoneAsync(call);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => call);
        Assert.Equal("failure 4", error.Message);
        Assert.Equal(4, _inner.Calls);
        Assert.Equal([1, 2, 3], _retries.Select(r => r.Attempt));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task GetResponseAsync_ClientError_FailsAtOnce(int status)
    {
        FailFirst(1, _ => ProviderErrors.Status(status));
        using var client = new RetryingChatClient(_inner, Options());

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(status, error.Status);
        Assert.Equal(1, _inner.Calls);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public async Task GetResponseAsync_429InsufficientQuota_FailsAtOnce()
    {
        FailFirst(1, _ => ProviderErrors.Status(429, "You exceeded your current quota. (insufficient_quota)"));
        using var client = new RetryingChatClient(_inner, Options());

        await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(1, _inner.Calls);
    }

    [Theory]
    [InlineData("408")]
    [InlineData("502")]
    [InlineData("504")]
    [InlineData("HttpClient timeout")]
    [InlineData("TimeoutException")]
    [InlineData("connection refused")]
    [InlineData("connection reset")]
    [InlineData("HttpRequestException 503")]
    [InlineData("transport failure wrapped by the SDK")]
    public async Task GetResponseAsync_TransientFailure_IsRetried(string failure)
    {
        FailFirst(1, _ => failure switch
        {
            "HttpClient timeout" => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException()),
            "TimeoutException" => new TimeoutException(),
            "connection refused" => new HttpRequestException("Connection refused"),
            "connection reset" => new IOException("Connection reset by peer"),
            "HttpRequestException 503" => new HttpRequestException("Service unavailable", null, HttpStatusCode.ServiceUnavailable),
            "transport failure wrapped by the SDK" => new ClientResultException("Connection refused", null, new HttpRequestException("Connection refused")),
            _ => ProviderErrors.Status(int.Parse(failure)),
        });
        using var client = new RetryingChatClient(_inner, Options());

        await RunAsync(client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_HttpRequestExceptionWithAClientErrorStatus_FailsAtOnce()
    {
        FailFirst(1, _ => new HttpRequestException("Bad request", null, HttpStatusCode.BadRequest));
        using var client = new RetryingChatClient(_inner, Options());

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancelsDuringTheCall_IsNotRetried()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        _inner.OnGetResponse = (_, _, _, ct) =>
        {
            cancel.Cancel();
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(FakeChatClient.Reply());
        };
        using var client = new RetryingChatClient(_inner, Options());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("q", cancellationToken: cancel.Token));

        Assert.Equal(1, _inner.Calls);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancelsWhileWaitingToRetry_StopsWaiting()
    {
        FailFirst(int.MaxValue, _ => ProviderErrors.Status(503));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        using var client = new RetryingChatClient(_inner, Options());

        var call = client.GetResponseAsync("q", cancellationToken: cancel.Token);
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the client waits to retry");
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Eventually.Within(call));
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_RepeatedFailures_BackOffExponentiallyUpToMaxDelay()
    {
        FailFirst(5, _ => ProviderErrors.Status(503));
        using var client = new RetryingChatClient(_inner, Options(baseDelay: TimeSpan.FromSeconds(1), maxDelay: TimeSpan.FromSeconds(10)));

        await RunAsync(client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal([1, 2, 4, 8, 10], _retries.Select(r => r.Delay.TotalSeconds));
        Assert.Equal([0, 1, 3, 7, 15, 25], _attemptsAt.Select(t => t.TotalSeconds));
    }

    [Fact]
    public async Task GetResponseAsync_WithJitter_SpreadsTheWaitsWithinMaxDelay()
    {
        FailFirst(5, _ => ProviderErrors.Status(503));
        var random = new Random(7);
        var options = Options(baseDelay: TimeSpan.FromSeconds(1), maxDelay: TimeSpan.FromSeconds(10), useJitter: true, randomizer: random.NextDouble);
        using var client = new RetryingChatClient(_inner, options);

        await RunAsync(client.GetResponseAsync("q", cancellationToken: Token));

        var delays = _retries.Select(r => r.Delay).ToList();
        Assert.Equal(5, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(10)));
        Assert.NotEqual([1, 2, 4, 8, 10], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task GetResponseAsync_Retried_TellsOnRetryTheAttemptDelayAndReason()
    {
        FailFirst(1, _ => ProviderErrors.Status(429, ("Retry-After", "3")));
        using var client = new RetryingChatClient(_inner, Options());

        await RunAsync(client.GetResponseAsync("q", cancellationToken: Token));

        var retry = Assert.Single(_retries);
        Assert.Equal(1, retry.Attempt);
        Assert.Equal(TimeSpan.FromSeconds(3), retry.Delay);
        Assert.Equal("HTTP 429", retry.Reason);
        Assert.Equal(429, retry.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), retry.RetryAfter);
        Assert.IsType<ClientResultException>(retry.Exception);
    }

    [Fact]
    public async Task GetResponseAsync_MaxRetriesZero_DoesNotRetry()
    {
        FailFirst(1, _ => ProviderErrors.Status(503));
        using var client = new RetryingChatClient(_inner, Options(maxRetries: 0));

        await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureBeforeTheFirstUpdate_IsRetried()
    {
        _inner.OnGetStreamingResponse = (call, _, _, _) => call == 1 ? Failing(updatesFirst: 0) : FakeChatClient.Updates(new ChatResponseUpdate(ChatRole.Assistant, "ok"));
        using var client = new RetryingChatClient(_inner, Options());

        var text = await RunAsync(ReadAllAsync(client.GetStreamingResponseAsync("q", cancellationToken: Token)));

        Assert.Equal("ok", text);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureAfterTheFirstUpdate_Surfaces()
    {
        _inner.OnGetStreamingResponse = (_, _, _, _) => Failing(updatesFirst: 1);
        using var client = new RetryingChatClient(_inner, Options());

        await Assert.ThrowsAsync<ClientResultException>(() => ReadAllAsync(client.GetStreamingResponseAsync("q", cancellationToken: Token)));

        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public void Constructor_OptionOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryingChatClient(_inner, new RetryOptions { MaxRetries = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryingChatClient(_inner, new RetryOptions { BaseDelay = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryingChatClient(_inner, new RetryOptions { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1) }));
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Failing(int updatesFirst)
    {
        for (var i = 0; i < updatesFirst; i++)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "partial");
        }

        throw ProviderErrors.Status(503);
    }

    private static async Task<string> ReadAllAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var text = "";
        await foreach (var update in updates)
        {
            text += update.Text;
        }

        return text;
    }

    private RetryOptions Options(
        int maxRetries = 5,
        TimeSpan? baseDelay = null,
        TimeSpan? maxDelay = null,
        TimeSpan? maxRetryAfter = null,
        bool useJitter = false,
        Func<double>? randomizer = null,
        TimeSpan? attemptTimeout = null) => new()
    {
        MaxRetries = maxRetries,
        AttemptTimeout = attemptTimeout,
        BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(100),
        MaxDelay = maxDelay ?? TimeSpan.FromSeconds(60),
        MaxRetryAfter = maxRetryAfter ?? TimeSpan.FromMinutes(5),
        UseJitter = useJitter,
        Randomizer = randomizer,
        TimeProvider = _time,
        OnRetry = _retries.Enqueue,
    };

    /// <summary>Makes the first <paramref name="failures"/> calls fail with <paramref name="error"/> (given the call's number) and the rest answer.</summary>
    private void FailFirst(int failures, Func<int, Exception> error) =>
        _inner.OnGetResponse = (call, _, _, _) =>
        {
            _attemptsAt.Enqueue(_time.Elapsed);
            return call <= failures ? Task.FromException<ChatResponse>(error(call)) : Task.FromResult(FakeChatClient.Reply());
        };

    private async Task<T> RunAsync<T>(Task<T> call)
    {
        await _time.RunUntilDoneAsync(call);
        return await call;
    }
}
