using System.Net;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.Logging;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Events;

public sealed class CallEventTests
{
    private readonly FakeChatClient _fake = new();

    private static Graph Ask(params string[] topics) =>
        FromList(topics, outputKey: "topic") | AskLLM("Q {topic}", "priced@fake", "answer") | ToList("answer");

    private async Task<(RunResult Result, EventRecorder Recorder)> RunAsync(Graph graph, RunOptions? extra = null, TempProject? reused = null)
    {
        await using var fresh = reused is null ? new TempProject("calls") : null;
        var project = (reused ?? fresh)!.Project;
        using var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);
        var options = new RunOptions
        {
            Project = project,
            Monitor = monitor,
            Models = ModelProviders.Default.WithChatClient("fake", _ => _fake),
            Prices = ModelPrices.Default.With("priced", 1m, 2m),
            Broker = extra?.Broker ?? new BrokerOptions { Retry = null },
            LoggerFactory = extra?.LoggerFactory,
        };
        return (await graph.RunCheckedAsync(options, TestRuns.Token), recorder);
    }

    [Fact]
    public async Task FreshCalls_PublishStartedAndFinishedPerCall_WithTokensAndCost()
    {
        var (result, recorder) = await RunAsync(Ask("a", "b", "c"));

        var started = recorder.Of<CallStarted>();
        var finished = recorder.Of<CallFinished>();
        Assert.Equal(3, started.Count);
        Assert.Equal(3, finished.Count);
        Assert.Equal(started.Select(s => s.Idx).Order(), finished.Select(f => f.Idx).Order());
        Assert.All(finished, f => Assert.Equal(("AskLLM › CallLLM", "priced@fake", 1000L, 2000L, 0.005m), (f.OpName, f.Model, f.InputTokens, f.OutputTokens, f.Cost)));
        Assert.Empty(recorder.Of<CallCached>());
        var totals = recorder.Of<RunProgress>().Single(p => p.IsFinal).Totals;
        Assert.Equal(new CallTotals(3, 0, 0, 3000, 6000, 0.015m), totals);
        Assert.Equal((3000L, 6000L), (result.InputTokens, result.OutputTokens));
    }

    [Fact]
    public async Task Rerun_PublishesCachedPerCall_AndNoCallStarted()
    {
        await using var project = new TempProject("calls");
        await RunAsync(Ask("a", "b"), reused: project);

        var (_, recorder) = await RunAsync(Ask("a", "b"), reused: project);

        Assert.Equal(2, recorder.Of<CallCached>().Count);
        Assert.Empty(recorder.Of<CallStarted>());
    }

    [Fact]
    public async Task FailedCall_PublishesCallFailed_AndTheResultListsTheEntryAndError()
    {
        _fake.Answer = (prompt, _) => prompt.Contains("bad", StringComparison.Ordinal) ? throw new InvalidOperationException("model refused") : Task.FromResult("ok");

        var (result, recorder) = await RunAsync(FromList(new[] { new { id = "good", topic = "good" }, new { id = "bad", topic = "bad" } }, idxKey: "id")
            | AskLLM("Q {topic}", "priced@fake", "answer") | ToList("answer"));

        var failed = Assert.Single(recorder.Of<CallFailed>());
        Assert.Equal(("bad", "InvalidOperationException: model refused"), (failed.Idx, failed.Error));
        var failure = Assert.Single(result.Failures);
        Assert.Equal((2, "AskLLM › CallLLM", "bad"), (failure.Node, failure.OpName, failure.Idx));
        Assert.Contains("[2] AskLLM › CallLLM, entry 'bad': InvalidOperationException: model refused", result.Summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientFailure_PublishesCallRetried_NamingTheOpAndEntry()
    {
        var attempts = 0;
        _fake.Answer = (_, _) => Interlocked.Increment(ref attempts) == 1
            ? throw new HttpRequestException("busy", null, HttpStatusCode.TooManyRequests)
            : Task.FromResult("ok");
        var retry = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false };

        var (_, recorder) = await RunAsync(FromList(new[] { new { id = "x", topic = "t" } }, idxKey: "id") | AskLLM("Q {topic}", "priced@fake", "answer") | ToList("answer"),
            new RunOptions { Broker = new BrokerOptions { Retry = retry } });

        var retried = Assert.Single(recorder.Of<CallRetried>());
        Assert.Equal((2, "AskLLM › CallLLM", "x", "priced@fake", 1, "HTTP 429", 429), (retried.Node, retried.OpName, retried.Idx, retried.Model, retried.Attempt, retried.Reason, retried.StatusCode));
        Assert.Single(recorder.Of<CallFinished>());
    }

    [Fact]
    public async Task Logging_AtDebug_LogsEachCallWithoutItsContents()
    {
        var logs = new ListLoggerFactory(LogLevel.Debug);

        await RunAsync(Ask("secret-topic"), new RunOptions { LoggerFactory = logs });

        Assert.Contains(logs.Entries, e => e.Category == "BatchFactory.Calls" && e.Level == LogLevel.Debug && e.Message.Contains("calling priced@fake", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Category == "BatchFactory.Run" && e.Level == LogLevel.Information && e.Message.StartsWith("Run finished", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("secret-topic", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logging_AtTrace_LogsPromptAndAnswer()
    {
        var logs = new ListLoggerFactory(LogLevel.Trace);

        await RunAsync(Ask("secret-topic"), new RunOptions { LoggerFactory = logs });

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Trace && e.Message.Contains("request to priced@fake", StringComparison.Ordinal) && e.Message.Contains("Q secret-topic", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Trace && e.Message.Contains("answer to Q secret-topic", StringComparison.Ordinal));
    }
}
