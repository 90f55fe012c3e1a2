using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.ConsoleViews;

public sealed class StatusLineViewTests
{
    private static readonly string NL = Environment.NewLine;

    [Fact]
    public async Task KnownRun_OnAStoppedClock_PrintsStartFinalLineAndEnd()
    {
        var output = new StringWriter();
        var monitor = ConsoleProgress.Create(new ConsoleProgressOptions { Output = output });
        var graph = FromList(Enumerable.Range(0, 8).ToList(), outputKey: "n")
            | Filter((int n) => n % 2 == 0, "n")
            | AskLLM("Q {n}", "gpt-4o-mini@offline", "a")
            | ToList("a");

        var result = await graph.RunCheckedAsync(new RunOptions { Monitor = monitor, TimeProvider = new ManualTimeProvider() }, TestRuns.Token);

        var t = result.Summary.Totals;
        Assert.Equal(
            $"Run started: 7 ops.{NL}" +
            $"[00:00:00] 8/8 entries read | calls 4 made, 0 cached, 0 failed | tokens {t.InputTokens:N0} in, {t.OutputTokens:N0} out | $0 | 0.0 calls/s{NL}" +
            $"Run finished in 0.00 s.{NL}",
            output.ToString());
    }

    [Fact]
    public async Task RunWithDroppedEntries_EndsWithALineSayingItFinishedWithFailures()
    {
        var output = new StringWriter();
        var monitor = ConsoleProgress.Create(new ConsoleProgressOptions { Output = output });
        var graph = FromList(Enumerable.Range(0, 4).ToList(), outputKey: "n")
            | MapField((int n) => n == 2 ? throw new FormatException("two") : n, "n").OnError(OnEntryError.Drop)
            | ToList("n");

        var result = await graph.RunCheckedAsync(new RunOptions { Monitor = monitor, TimeProvider = new ManualTimeProvider() }, TestRuns.Token);

        Assert.Equal(RunStatus.CompletedWithFailures, result.Summary.Status);
        Assert.EndsWith($"Run finished with 1 failures in 0.00 s; the summary lists them.{NL}", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Samples_PrintALineOnlyEveryStatusInterval_AndAlwaysTheFinalOne()
    {
        var output = new StringWriter();
        using var monitor = new RunMonitor { SampleInterval = TimeSpan.FromSeconds(1) };
        ConsoleProgress.Attach(monitor, new ConsoleProgressOptions { Output = output, StatusInterval = TimeSpan.FromSeconds(5) });
        var time = new ManualTimeProvider();
        var gate = new TaskCompletionSource();
        var graph = FromList(new[] { 1, 2, 3, 4 }, outputKey: "n") | Apply(_ => gate.Task.Wait(TestRuns.Token)) | ToList("n");

        var run = graph.RunCheckedAsync(new RunOptions { Monitor = monitor, TimeProvider = time }, TestRuns.Token);
        await Eventually.TrueAsync(() => time.PendingTimers > 0, "the sampler's timer is set");
        for (var second = 0; second < 12; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await Eventually.TrueAsync(() => output.ToString().Contains("[00:00:10]", StringComparison.Ordinal), "the 10 s line is printed");
        gate.SetResult();
        await Eventually.Within(run);

        var lines = output.ToString().Split(NL, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Run started: 3 ops.", "[00:00:05]", "[00:00:10]", "[00:00:12]", "Run finished in 12.00 s."], lines.Select(l => l.StartsWith('[') ? l[..10] : l));
        Assert.StartsWith("[00:00:12] 4/4 entries read", lines[3], StringComparison.Ordinal);
        Assert.DoesNotContain("calls", lines[1], StringComparison.Ordinal);
        Assert.Contains("| ETA ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_WhileAProviderPushesBack_TheLineSaysRetries429sTimeHeldBackAndWhoIsCoolingDown()
    {
        var output = new StringWriter();
        var view = new BatchFactory.Progress.StatusLineView(output, TimeSpan.Zero);
        OpInfo[] ops = [new(0, "FromList", "FromList", false, 10, []), new(1, "CallLLM", "CallLLM", true, null, [0])];
        var broker = new BrokerStats("m@p", 4, 0, 0, 0, 0, 0m, Retries: 3, RateLimited: 2, Waited: TimeSpan.FromSeconds(5), CoolDown: TimeSpan.FromSeconds(4));

        view.OnNext(new RunStarted(TimeSpan.Zero, default, ops));
        view.OnNext(new RunProgress(
            TimeSpan.FromSeconds(1),
            [new OpProgress(new OpStats(0, "FromList", "FromList", 0, 10, 0), 0, 0, 10, null), new OpProgress(new OpStats(1, "CallLLM", "CallLLM", 10, 4, 0, broker), 0, 0, 10, null)],
            IsFinal: false));

        Assert.Contains("| retries 3 (429: 2), held back 00:00:05, cooling down: m@p 00:00:04 | ETA", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_WithProviderBatches_TheLineSaysHowManyInEachStatusAndTheirRequestsDone()
    {
        var output = new StringWriter();
        var view = new BatchFactory.Progress.StatusLineView(output, TimeSpan.Zero);
        OpInfo[] ops = [new(0, "FromList", "FromList", false, 12, []), new(1, "CallLLM", "CallLLM", true, null, [0])];

        view.OnNext(new RunStarted(TimeSpan.Zero, default, ops));
        view.OnNext(new RunProgress(
            TimeSpan.FromSeconds(1),
            [new OpProgress(new OpStats(0, "FromList", "FromList", 0, 12, 0), 0, 0, 12, null), new OpProgress(new OpStats(1, "CallLLM", "CallLLM", 12, 6, 0), 0, 0, 12, null)],
            IsFinal: false)
        {
            Batches = [new BatchSummary("batch_a", "m@p", "completed", 6, 5, 1), new BatchSummary("batch_b", "m@p", "in_progress", 6, 2, 0)],
        });

        Assert.Contains("| batches: 1 completed 6/6, 1 in_progress 2/6 |", output.ToString(), StringComparison.Ordinal);
    }
}
