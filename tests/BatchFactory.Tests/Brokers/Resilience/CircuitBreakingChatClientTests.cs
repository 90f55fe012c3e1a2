using BatchFactory.Tests.Support;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>When the breaker of a chat client opens, and what its calls then see.</summary>
public sealed class CircuitBreakingChatClientTests
{
    private readonly FakeChatClient _inner = new() { OnGetResponse = (_, _, _, _) => Task.FromResult(FakeChatClient.Reply()) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponseAsync_401_OpensAtOnce_AndLaterCallsAreNotSent()
    {
        _inner.OnGetResponse = (_, _, _, _) => throw ProviderErrors.Status(401, "Incorrect API key provided");
        using var client = new CircuitBreakingChatClient(_inner, "gpt-4o-mini@openai");

        var first = await Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("q", cancellationToken: Token));
        var later = await Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(1, _inner.Calls);
        Assert.True(client.IsOpen);
        Assert.Equal(("gpt-4o-mini@openai", 401, 1), (first.Model, first.StatusCode, first.FailedCalls));
        Assert.Contains("'gpt-4o-mini@openai'", first.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", first.Message, StringComparison.Ordinal);
        Assert.Contains("API key", first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, later.Message);
    }

    [Fact]
    public async Task GetResponseAsync_404_OpensAndSaysToCheckTheModel()
    {
        _inner.OnGetResponse = (_, _, _, _) => throw ProviderErrors.Status(404, "The model 'gpt-9' does not exist");
        using var client = new CircuitBreakingChatClient(_inner, "gpt-9@openai");

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("model's name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionErrors_OpenOnTheTwentiethInARow()
    {
        _inner.OnGetResponse = (_, _, _, _) => throw new HttpRequestException("Connection refused (127.0.0.1:9)");
        using var client = new CircuitBreakingChatClient(_inner, "m@openai");

        for (var i = 0; i < 19; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync("q", cancellationToken: Token));
        }

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("q", cancellationToken: Token));
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(20, _inner.Calls);
        Assert.Equal(20, error.FailedCalls);
        Assert.Null(error.StatusCode);
        Assert.Contains("20 calls in a row failed (the last: connection error)", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task GetResponseAsync_AnAnswerBetweenFailures_StartsTheRunAgain()
    {
        _inner.OnGetResponse = (n, _, _, _) => n % 10 == 0 ? Task.FromResult(FakeChatClient.Reply()) : throw ProviderErrors.Status(503);
        using var client = new CircuitBreakingChatClient(_inner, "m@openai", new CircuitBreakerOptions { ConsecutiveFailures = 10, FailureRatio = 1 });

        for (var i = 1; i <= 100; i++)
        {
            if (i % 10 == 0)
            {
                await client.GetResponseAsync("q", cancellationToken: Token);
            }
            else
            {
                await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => client.GetResponseAsync("q", cancellationToken: Token));
            }
        }

        Assert.False(client.IsOpen);
    }

    [Fact]
    public async Task GetResponseAsync_MoreThanHalfOfTheLastCallsFail_OpensOnceMinimumCallsHaveEnded()
    {
        // Two failures, one answer, and so on: 2/3 of the calls fail, never 20 in a row.
        _inner.OnGetResponse = (n, _, _, _) => n % 3 == 0 ? Task.FromResult(FakeChatClient.Reply()) : throw ProviderErrors.Status(500);
        using var client = new CircuitBreakingChatClient(_inner, "m@openai");

        ProviderUnavailableException? opened = null;
        for (var i = 1; opened is null && i <= 100; i++)
        {
            try
            {
                await client.GetResponseAsync("q", cancellationToken: Token);
            }
            catch (ProviderUnavailableException ex)
            {
                opened = ex;
            }
            catch (System.ClientModel.ClientResultException)
            {
            }
        }

        Assert.NotNull(opened);
        Assert.Equal(20, _inner.Calls);
        Assert.Contains("14 of the last 20 calls failed", opened.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_400s_NeverOpen_AndSurfaceAsTheyAre()
    {
        _inner.OnGetResponse = (_, _, _, _) => throw ProviderErrors.Status(400, "bad request");
        using var client = new CircuitBreakingChatClient(_inner, "m@openai");

        for (var i = 0; i < 50; i++)
        {
            await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => client.GetResponseAsync("q", cancellationToken: Token));
        }

        Assert.False(client.IsOpen);
        Assert.Equal(50, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_OpenOnAuthErrorOff_401SurfacesAsItIs()
    {
        _inner.OnGetResponse = (_, _, _, _) => throw ProviderErrors.Status(401);
        using var client = new CircuitBreakingChatClient(_inner, "m@openai", new CircuitBreakerOptions { OpenOnAuthError = false });

        await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => client.GetResponseAsync("q", cancellationToken: Token));
        await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => client.GetResponseAsync("q", cancellationToken: Token));

        Assert.Equal(2, _inner.Calls);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetResponseAsync_WhenItOpens_CallsWaitingInsideFailWithProviderUnavailable(bool callerTokenCanBeCancelled)
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _inner.OnGetResponse = async (n, _, _, token) =>
        {
            if (n == 1)
            {
                waiting.SetResult();
                await Task.Delay(Timeout.Infinite, token);
            }

            throw ProviderErrors.Status(403);
        };
        using var client = new CircuitBreakingChatClient(_inner, "m@openai");
        var blocked = client.GetResponseAsync("slow", cancellationToken: callerTokenCanBeCancelled ? Token : CancellationToken.None);
        await Eventually.Within(waiting.Task);

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("refused", cancellationToken: Token));

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Eventually.Within(blocked));
        Assert.Equal(403, error.StatusCode);
    }

    [Fact]
    public async Task GetResponseAsync_CallersWithDifferentTokens_EachCallIsCancelledOnlyByItsOwn()
    {
        var started = 0;
        var allWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _inner.OnGetResponse = async (_, _, _, token) =>
        {
            if (Interlocked.Increment(ref started) == 3)
            {
                allWaiting.SetResult();
            }

            await release.Task.WaitAsync(token);
            return FakeChatClient.Reply();
        };
        using var client = new CircuitBreakingChatClient(_inner, "m@openai");
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        using var third = new CancellationTokenSource();
        var firstCall = client.GetResponseAsync("first", cancellationToken: first.Token);
        var secondCall = client.GetResponseAsync("second", cancellationToken: second.Token);
        var thirdCall = client.GetResponseAsync("third", cancellationToken: third.Token);
        await Eventually.Within(allWaiting.Task);

        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Eventually.Within(firstCall));
        await second.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Eventually.Within(secondCall));
        release.SetResult();

        Assert.Equal("ok", (await Eventually.Within(thirdCall)).Text);
        Assert.False(client.IsOpen);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancels_CountsNothing()
    {
        _inner.OnGetResponse = async (_, _, _, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return FakeChatClient.Reply();
        };
        using var client = new CircuitBreakingChatClient(_inner, "m@openai", new CircuitBreakerOptions { ConsecutiveFailures = 1 });
        using var cancel = new CancellationTokenSource();

        var call = client.GetResponseAsync("q", cancellationToken: cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Eventually.Within(call));
        Assert.False(client.IsOpen);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_401_OpensTheBreaker()
    {
        _inner.OnGetStreamingResponse = (_, _, _, _) => throw ProviderErrors.Status(401);
        using var client = new CircuitBreakingChatClient(_inner, "m@openai");

        await Assert.ThrowsAsync<ProviderUnavailableException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: Token))
            {
            }
        });

        Assert.True(client.IsOpen);
    }

    [Theory]
    [InlineData(0, 0.5, 100, 20)]
    [InlineData(20, 0, 100, 20)]
    [InlineData(20, 1.5, 100, 20)]
    [InlineData(20, 0.5, 0, 20)]
    [InlineData(20, 0.5, 100, 0)]
    public void Constructor_OptionOutOfRange_Throws(int consecutive, double ratio, int sampling, int minimum)
    {
        var options = new CircuitBreakerOptions { ConsecutiveFailures = consecutive, FailureRatio = ratio, SamplingCalls = sampling, MinimumCalls = minimum };

        Assert.Throws<ArgumentOutOfRangeException>(() => new CircuitBreakingChatClient(_inner, "m@openai", options));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChatClientBuilder(_inner).UseCircuitBreaker("m@openai", options));
    }
}
