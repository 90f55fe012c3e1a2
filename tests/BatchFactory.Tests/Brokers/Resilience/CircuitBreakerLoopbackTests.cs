using System.Net;
using System.Net.Sockets;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>A run's breaker per model, over HTTP against the loopback test server (or a closed loopback port).</summary>
public sealed class CircuitBreakerLoopbackTests : IAsyncLifetime
{
    private const string Key = "sk-breaker-secret-77";
    private const string Model = "gpt-4o-mini@openai";
    private readonly TempFolder _data = new();
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task RunAsync_401_StopsAfterTheCallsInFlight_WithProviderUnavailable()
    {
        _server.FailNext(1000, Failure.HttpStatus(401));

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => RunAsync(Topics(100), LoopbackModels.For(_server, Key)));

        Assert.InRange(_server.ChatRequests, 1, 4);
        Assert.Equal((Model, 401), (error.Model, error.StatusCode));
        Assert.Contains("API key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
        var summary = await LastSummaryAsync();
        Assert.Equal(RunStatus.ProviderUnavailable, summary.Status);
        Assert.Contains("HTTP 401", summary.Error, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"providerUnavailable\"", summary.ToJson(), StringComparison.Ordinal);
        Assert.Contains("stopped: a model's provider is unavailable", summary.Format(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, summary.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_404Model_StopsWithProviderUnavailableNamingTheModel()
    {
        _server.FailNext(1000, Failure.HttpStatus(404));

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => RunAsync(Topics(50), LoopbackModels.For(_server, Key)));

        Assert.InRange(_server.ChatRequests, 1, 4);
        Assert.Equal(404, error.StatusCode);
        Assert.Contains($"'{Model}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("model's name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ClosedPort_OpensAfterTheThreshold_KeepsTheAnswers_AndARerunMakesOnlyTheMissingCalls()
    {
        await RunAsync(Topics(10), LoopbackModels.For(_server, Key));
        Assert.Equal(10, _server.ChatRequests);

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => RunAsync(Topics(60), LoopbackModels.At(ClosedPort(), Key)));

        Assert.InRange(error.FailedCalls, 20, 24);
        Assert.Null(error.StatusCode);
        Assert.Contains("in a row failed (the last: connection error)", error.Message, StringComparison.Ordinal);
        var stopped = await LastSummaryAsync();
        Assert.Equal(RunStatus.ProviderUnavailable, stopped.Status);
        Assert.Equal(10, stopped.Totals.Cached);

        var rerun = await RunAsync(Topics(60), LoopbackModels.For(_server, Key));

        Assert.Equal(60, _server.ChatRequests);
        Assert.Equal((50L, 10L, 0L), (rerun.Calls, rerun.CachedCalls, rerun.FailedCalls));
        Assert.Equal(60, rerun.Values<string>().Count);
        Assert.Equal(RunStatus.Completed, rerun.Summary.Status);
    }

    [Fact]
    public async Task RunAsync_BreakerDisabled_EveryCallFailsOnItsOwn_AndTheRunCompletesWithFailures()
    {
        _server.FailNext(1000, Failure.ServerError());

        var result = await RunAsync(Topics(30), LoopbackModels.For(_server, Key), new BrokerOptions { Retry = null, CircuitBreaker = null });

        Assert.Equal(30, _server.ChatRequests);
        Assert.Equal(30, result.FailedCalls);
        Assert.Equal(RunStatus.CompletedWithFailures, result.Summary.Status);
        Assert.Contains("Run finished with failures", result.Summary.Format(), StringComparison.Ordinal);
        Assert.Contains("\"status\": \"completedWithFailures\"", result.Summary.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FewServerErrors_LeaveTheBreakerClosed_AndTheRunCompletesWithFailures()
    {
        _server.FailNext(3, Failure.ServerError());

        var result = await RunAsync(Topics(30), LoopbackModels.For(_server, Key));

        Assert.Equal(3, result.FailedCalls);
        Assert.Equal(27, result.Values<string>().Count);
        Assert.Equal(RunStatus.CompletedWithFailures, result.Summary.Status);
    }

    [Fact]
    public async Task RunAsync_ThrowOnFailures_ThrowsRunFailuresExceptionCarryingTheSummary()
    {
        _server.FailNext(1, Failure.HttpStatus(400));

        var error = await Assert.ThrowsAsync<RunFailuresException>(() => RunAsync(Topics(5), LoopbackModels.For(_server, Key), throwOnFailures: true));

        Assert.Equal(RunStatus.CompletedWithFailures, error.Summary.Status);
        Assert.Single(error.Summary.Failures);
        Assert.Equal(4, error.Result.Values<string>().Count);
        Assert.Contains("1 failure(s)", error.Message, StringComparison.Ordinal);
    }

    private static Graph Topics(int count) =>
        FromList(Enumerable.Range(0, count).Select(i => $"t{i:D3}").ToArray(), outputKey: "topic", idxKey: "topic")
        | AskLLM("Poem about {topic}", Model, "poem", new AskOptions { Concurrency = 4 })
        | ToList("poem");

    // A loopback port nothing listens on: connections to it are refused at once.
    private static Uri ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/v1/");
    }

    private async Task<RunResult> RunAsync(Graph graph, ModelProviders models, BrokerOptions? broker = null, bool throwOnFailures = false)
    {
        await using var project = ProjectFolder.Open("breaker", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        return await graph.RunCheckedAsync(
            new RunOptions { Project = project, Models = models, Broker = broker ?? new BrokerOptions { Retry = null }, ThrowOnFailures = throwOnFailures },
            TestRuns.Token);
    }

    private async Task<RunSummary> LastSummaryAsync()
    {
        var file = Directory.GetFiles(_data.Path, "*.summary.json", SearchOption.AllDirectories).OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).Last();
        return RunSummary.FromJson(await File.ReadAllTextAsync(file, TestRuns.Token));
    }
}
