using System.Net;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Calls;

/// <summary>Throttling is visible: retries, 429s, time held back and the current cool-down reach the summary and the samples.</summary>
public sealed class ThrottlingReportTests
{
    private const string Model = "gpt-4o-mini@openai";

    private static Graph Ask(int entries, string model = Model) =>
        FromList(Enumerable.Range(0, entries).Select(i => $"t{i}"), outputKey: "topic") | AskLLM("Q {topic}", model, "answer") | ToList("answer");

    private static RetryOptions FastRetries(int maxRetries = 5, TimeProvider? time = null) => new()
    {
        MaxRetries = maxRetries,
        BaseDelay = TimeSpan.FromMilliseconds(3),
        UseJitter = false,
        TimeProvider = time ?? TimeProvider.System,
    };

    [Fact]
    public async Task Run_429sRetriedOverHttp_SummaryCountsRetriesRefusalsAndTimeHeldBack()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        server.FailNext(2, Failure.TooManyRequests(0));
        server.FailNext(1, Failure.ServerError());

        var result = await Ask(4).RunCheckedAsync(
            new RunOptions { Models = LoopbackModels.For(server, "sk-test"), Broker = new BrokerOptions { Retry = FastRetries() } },
            TestRuns.Token);

        var stats = Assert.Single(result.Summary.Nodes, o => o.Broker is not null).Broker!;
        Assert.Equal((4L, 3L, 2L, 0L), (stats.Calls, stats.Retries, stats.RateLimited, stats.Failed));
        Assert.True(stats.Waited >= TimeSpan.FromMilliseconds(6), $"held back {stats.Waited}: each 429 waits at least its 3 ms backoff");
        Assert.Equal((3L, 2L, stats.Waited), (result.Summary.Totals.Retries, result.Summary.Totals.RateLimited, result.Summary.Totals.Waited));
        Assert.Contains("throttled: 3 retries, 2 × HTTP 429", result.Summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_429OutlastsItsRetries_EveryRefusedAttemptIsCountedAndTheCallFails()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions { FailureSelector = r => r.Texts[^1] == "Q t1" ? Failure.TooManyRequests(0) : null },
            TestRuns.Token);

        var result = await Ask(2).RunCheckedAsync(
            new RunOptions { Models = LoopbackModels.For(server, "sk-test"), Broker = new BrokerOptions { Retry = FastRetries(maxRetries: 2) } },
            TestRuns.Token);

        var stats = Assert.Single(result.Summary.Nodes, o => o.Broker is not null).Broker!;
        Assert.Equal((1L, 1L, 2L, 3L), (stats.Calls, stats.Failed, stats.Retries, stats.RateLimited));
        Assert.Contains("\"rateLimited\": 3", result.Summary.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CleanCalls_ReportNoThrottling()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);

        var result = await Ask(3).RunCheckedAsync(new RunOptions { Models = LoopbackModels.For(server, "sk-test") }, TestRuns.Token);

        Assert.Equal(new CallTotals(3, 0, 0, result.InputTokens, result.OutputTokens, result.Summary.Totals.Cost), result.Summary.Totals);
        Assert.DoesNotContain("throttled", result.Summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_DuringA429CoolDown_ShowsTheModelCoolingDownWithTheTimeLeft()
    {
        var time = new ManualTimeProvider();
        var fake = new FakeChatClient();
        fake.OnGetResponse = (call, _, _, _) => call == 1
            ? throw new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests)
            : Task.FromResult(new Microsoft.Extensions.AI.ChatResponse(new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.Assistant, "ok")));
        using var monitor = new RunMonitor { SampleInterval = TimeSpan.FromSeconds(1) };
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);
        var retry = new RetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromSeconds(10), UseJitter = false, TimeProvider = time };

        var run = Ask(1, "m@fake").RunCheckedAsync(
            new RunOptions { Models = ModelProviders.Default.WithChatClient("fake", _ => fake), Monitor = monitor, TimeProvider = time, Broker = new BrokerOptions { Retry = retry } },
            TestRuns.Token);
        await Eventually.TrueAsync(() => recorder.Of<CallRetried>().Count == 1, "the 429 is being retried");
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => recorder.Of<RunProgress>().Count > 0, "a sample is taken during the cool-down");
        time.Advance(TimeSpan.FromSeconds(9));
        var result = await Eventually.Within(run);

        var during = recorder.Of<RunProgress>()[0];
        Assert.Equal(TimeSpan.FromSeconds(9), Assert.Single(during.CoolDowns, c => c.Key == "m@fake").Value);
        Assert.Equal((1L, 1L, 1L), (during.Totals.Retries, during.Totals.RateLimited, result.Calls));
        Assert.Empty(recorder.Of<RunProgress>().Single(p => p.IsFinal).CoolDowns);
        Assert.Equal(TimeSpan.FromSeconds(10), result.Summary.Totals.Waited);
    }
}
