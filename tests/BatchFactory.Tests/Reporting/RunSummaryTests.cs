using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Reporting;

public sealed class RunSummaryTests
{
    private static Graph Numbers() =>
        FromList(Enumerable.Range(0, 6).ToList(), outputKey: "n") | Filter((int n) => n > 1, "n") | AskLLM("Q {n}", "gpt-4o-mini@offline", "a") | ToList("a");

    [Fact]
    public async Task RunAsync_WithProject_WritesTheSummaryAsJsonUnderRuns()
    {
        await using var temp = new TempProject("summaries");
        var project = temp.Project;
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 89, TimeSpan.Zero));

        var result = await Numbers().RunCheckedAsync(new RunOptions { Project = project, TimeProvider = time }, TestRuns.Token);

        var file = Assert.Single(Directory.GetFiles(project["runs"]));
        Assert.Equal("20250304T050607.089Z.summary.json", Path.GetFileName(file));
        var read = RunSummary.FromJson(await File.ReadAllTextAsync(file, TestRuns.Token));
        Assert.Equal(RunStatus.Completed, read.Status);
        Assert.Equal(result.Nodes, read.Nodes);
        Assert.Equal(new CallTotals(4, 0, 0, result.InputTokens, result.OutputTokens, 0m), read.Totals);
        Assert.Equal(time.GetUtcNow(), read.StartedAt);
    }

    [Fact]
    public async Task RunAsync_TwoRunsStartingAtTheSameTime_WriteTwoFiles()
    {
        await using var temp = new TempProject("summaries");
        var project = temp.Project;
        var time = new ManualTimeProvider();

        await Numbers().RunCheckedAsync(new RunOptions { Project = project, TimeProvider = time }, TestRuns.Token);
        await Numbers().RunCheckedAsync(new RunOptions { Project = project, TimeProvider = time }, TestRuns.Token);

        var names = Directory.GetFiles(project["runs"]).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["20250101T000000.000Z-2.summary.json", "20250101T000000.000Z.summary.json"], names);
        Assert.Equal(4, RunSummary.FromJson(await File.ReadAllTextAsync(project["runs/20250101T000000.000Z-2.summary.json"], TestRuns.Token)).Totals.Cached);
    }

    [Fact]
    public async Task RunAsync_Faulted_WritesASummaryWithTheStatusErrorAndEntry()
    {
        await using var temp = new TempProject("summaries");
        var project = temp.Project;
        var graph = FromList(new[] { new { id = "zero", n = 0 } }, idxKey: "id") | MapField((int n) => 1 / n, "n", "q") | ToList("q");

        await graph.RunFailingAsync<OpException>(new RunOptions { Project = project }, TestRuns.Token);

        var read = RunSummary.FromJson(await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(project["runs"])), TestRuns.Token));
        Assert.Equal(RunStatus.Faulted, read.Status);
        Assert.Contains("Op 'MapField' (node [1]) failed on entry 'zero'", read.Error, StringComparison.Ordinal);
        Assert.Equal("zero", Assert.Single(read.Failures).Idx);
    }

    [Fact]
    public async Task RunAsync_WithoutProject_StillReturnsTheSummary()
    {
        var result = await Numbers().RunCheckedAsync(cancellationToken: TestRuns.Token);

        Assert.Equal(RunStatus.Completed, result.Summary.Status);
        Assert.Equal(result.Nodes, result.Summary.Nodes);
    }

    [Fact]
    public async Task ToString_PrintsWhatFormatPrints()
    {
        var result = await Numbers().RunCheckedAsync(cancellationToken: TestRuns.Token);

        Assert.Equal(result.Summary.Format(), result.Summary.ToString());
        Assert.StartsWith("Run finished in ", $"{result.Summary}", StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_FromJson_RoundTripsEveryField()
    {
        var summary = new RunSummary(
            RunStatus.Faulted,
            new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            TimeSpan.FromSeconds(12.5),
            [new OpStats(0, "CallLLM", "CallLLM(request -> response)", 3, 2, 1, new BrokerStats("m@p", 2, 0, 1, 10, 20, 0.5m))],
            [new EntryFailure(0, "CallLLM", "x", "Boom: no")],
            4,
            "stopped")
        {
            Batches = [new BatchSummary("batch_1", "m@p", "completed", 3, 2, 1)],
            AnsweredLive = [new LiveInstead("m@offline", 4, "no batch API")],
            BatchWarnings = ["Batch submission 'abc' of m@p could not be checked against the provider's batches; a later run tries again (HTTP 503)."],
        };

        var read = RunSummary.FromJson(summary.ToJson());

        Assert.Equal(summary with { Nodes = read.Nodes, Failures = read.Failures, Batches = read.Batches, AnsweredLive = read.AnsweredLive, BatchWarnings = read.BatchWarnings }, read);
        Assert.Equal(summary.Nodes, read.Nodes);
        Assert.Equal(summary.Failures, read.Failures);
        Assert.Equal(summary.Batches, read.Batches);
        Assert.Equal(summary.AnsweredLive, read.AnsweredLive);
        Assert.Equal(summary.BatchWarnings, read.BatchWarnings);
        Assert.Contains("\"status\": \"faulted\"", summary.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ListsTheFirstFailuresAndCountsTheRest()
    {
        var failures = Enumerable.Range(0, 12).Select(i => new EntryFailure(1, "CallLLM", $"e{i}", "Timeout: slow")).ToList();
        var summary = new RunSummary(RunStatus.Completed, default, TimeSpan.FromSeconds(1), [], failures, 3, null);

        var text = summary.Format();

        Assert.Contains("Failures (15):", text, StringComparison.Ordinal);
        Assert.Contains("  [1] CallLLM, entry 'e9': Timeout: slow", text, StringComparison.Ordinal);
        Assert.DoesNotContain("'e10'", text, StringComparison.Ordinal);
        Assert.Contains("… and 5 more", text, StringComparison.Ordinal);
    }
}
