using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Checkpoints;

public sealed class CheckPointTests : IDisposable
{
    private readonly TempFolder _data = new();
    private int _bodyCalls;

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task SecondRun_ServesEveryEntryFromTheLedger_WithoutRunningTheBody()
    {
        var first = await RunAsync(Pipeline(20));
        Assert.Equal(20, _bodyCalls);

        _bodyCalls = 0;
        var second = await RunAsync(Pipeline(20));

        Assert.Equal(0, _bodyCalls);
        Assert.Equal(first, second);
        Assert.Equal(Enumerable.Range(0, 20).Select(n => n * n), second);
    }

    [Fact]
    public async Task RunThatFailedMidway_KeepsFinishedWork_AndTheRerunDoesOnlyTheRest()
    {
        const int failAt = 13;
        var path = _data["squares.jsonl"];
        await using (var ledger = await JsonlLedger.OpenAsync(path, null, TestRuns.Token))
        {
            // The failing entry waits until the entries before it are saved, as slow real work would.
            var failing = Squares(ledger, 30, n => n == failAt && SpinWait.SpinUntil(() => ledger.Count >= failAt, TimeSpan.FromSeconds(30)));

            var ex = await Assert.ThrowsAsync<OpException>(() => failing.RunCheckedAsync(null, TestRuns.Token));

            Assert.NotNull(ex.Idx);
            Assert.Equal("boom", ex.InnerException!.Message);
            Assert.Equal(failAt, ledger.Count);
        }

        _bodyCalls = 0;
        await using (var ledger = await JsonlLedger.OpenAsync(path, null, TestRuns.Token))
        {
            var resumed = await Squares(ledger, 30, _ => false).RunCheckedAsync(null, TestRuns.Token);

            Assert.Equal(30 - failAt, _bodyCalls);
            Assert.Equal(Enumerable.Range(0, 30).Select(n => n * n), resumed.Values<int>());
        }
    }

    [Fact]
    public async Task RunWithoutProject_FailsBeforeAnyEntryMoves()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Pipeline(5).RunAsync(new RunOptions(), TestRuns.Token));

        Assert.Contains("RunOptions.Project", ex.Message);
        Assert.Contains("squares", ex.Message);
        Assert.Equal(0, _bodyCalls);
    }

    [Fact]
    public async Task RunWhileAnotherProcessHoldsTheLedger_FailsBeforeAnyEntryMoves()
    {
        await using var project = OpenProject();
        await using var holder = await JsonlLedger.OpenAsync(Path.Combine(project.FullPath, "ledgers", "checkpoint-squares.jsonl"), null, TestRuns.Token);

        await using var other = OpenProject();
        var ex = await Assert.ThrowsAsync<LedgerException>(() => Pipeline(5).RunAsync(new RunOptions { Project = other }, TestRuns.Token));

        Assert.Contains("already open", ex.Message);
        Assert.Equal(0, _bodyCalls);
    }

    [Fact]
    public async Task EntryTheBodyDrops_IsNotStored_AndRunsThroughTheBodyAgainNextTime()
    {
        Graph Odd() => FromList(Enumerable.Range(0, 10), outputKey: "n")
            | CheckPoint(Apply(_ => Interlocked.Increment(ref _bodyCalls)) | Filter((int n) => n % 2 == 1, "n"), "odd")
            | ToList("n");

        await RunAsync(Odd());
        _bodyCalls = 0;
        var second = await RunAsync(Odd());

        Assert.Equal(5, _bodyCalls);
        Assert.Equal([1, 3, 5, 7, 9], second);
    }

    [Fact]
    public async Task WithoutBody_StoresEntries_AndLaterRunsGetTheStoredCopy()
    {
        var version = 1;
        Graph Plain() => FromList(new[] { "a", "b" }, outputKey: "id", idxKey: "id")
            | SetField("seen", version)
            | CheckPoint("plain")
            | ToList("seen");

        var first = await RunValuesAsync<int>(Plain());
        version = 2;
        var second = await RunValuesAsync<int>(Plain());

        Assert.Equal([1, 1], first);
        Assert.Equal([1, 1], second);
    }

    [Fact]
    public async Task LatestRevOnly_KeepsOneRecordPerIdx_AndRerunsTheBodyForANewRev()
    {
        var bump = false;
        Graph Revs(bool latestOnly) => FromList(Enumerable.Range(0, 4), outputKey: "n")
            | Apply(e =>
            {
                if (bump)
                {
                    e.NextRev();
                }
            })
            | CheckPoint(MapField((int n) => Counted(n), "n", "square"), latestOnly ? "latest" : "all", latestRevOnly: latestOnly)
            | ToList("square");

        foreach (var latestOnly in new[] { true, false })
        {
            bump = false;
            await RunAsync(Revs(latestOnly));
            bump = true;
            _bodyCalls = 0;
            await RunAsync(Revs(latestOnly));
            Assert.Equal(4, _bodyCalls);
        }

        await using var project = OpenProject();
        Assert.Equal(4, (await project.OpenLedgerAsync("checkpoint-latest", TestRuns.Token)).Count);
        Assert.Equal(8, (await project.OpenLedgerAsync("checkpoint-all", TestRuns.Token)).Count);
    }

    [Fact]
    public async Task GivenLedger_StoresEachEntryUnderIdxAtRev_WithItsData()
    {
        await using var ledger = await JsonlLedger.OpenAsync(_data["own.jsonl"], null, TestRuns.Token);
        var g = FromList(new[] { "x" }, outputKey: "id", idxKey: "id") | CheckPoint(SetField("done", true), ledger) | ToList("id");

        await g.RunCheckedAsync(null, TestRuns.Token);

        var record = (await ledger.TryGetAsync("x@0", TestRuns.Token))!;
        Assert.Equal("""{"idx":"x","rev":0,"data":{"id":"x","done":true}}""", record.ToJsonString());
    }

    [Fact]
    public async Task ServedAndComputedEntriesTogether_KeepTheSourceOrder()
    {
        await RunAsync(FromList(Enumerable.Range(0, 40).Where(n => n % 3 == 0), outputKey: "n")
            | CheckPoint(MapField((int n) => Counted(n), "n", "square"), "squares") | ToList("square"));

        var mixed = await RunAsync(Pipeline(40), maxDegreeOfParallelism: 4);

        Assert.Equal(Enumerable.Range(0, 40).Select(n => n * n), mixed);
    }

    [Fact]
    public void ToString_ShowsTheCheckpointAroundItsBody()
    {
        var text = Pipeline(3).ToString();

        Assert.Contains("CheckPoint(squares)", text);
        Assert.Contains("CheckPointSave(squares)", text);
    }

    [Fact]
    public void CheckPoint_NameThatCannotNameAFile_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => CheckPoint("../escape"));
    }

    private Graph Pipeline(int count) =>
        FromList(Enumerable.Range(0, count), outputKey: "n")
        | CheckPoint(MapField((int n) => Counted(n), "n", "square"), "squares")
        | ToList("square");

    private Graph Squares(ILedger ledger, int count, Func<int, bool> fails) =>
        FromList(Enumerable.Range(0, count), outputKey: "n")
        | CheckPoint(MapField((int n) => fails(n) ? throw new InvalidOperationException("boom") : Counted(n), "n", "square"), ledger)
        | ToList("square");

    private int Counted(int n)
    {
        Interlocked.Increment(ref _bodyCalls);
        return n * n;
    }

    private ProjectFolder OpenProject() => ProjectFolder.Open("checkpoints", "1", new ProjectFolderOptions { DataDirectory = _data.Path });

    private async Task<List<int>> RunAsync(Graph graph, int maxDegreeOfParallelism = 1) => await RunValuesAsync<int>(graph, maxDegreeOfParallelism);

    private async Task<List<T>> RunValuesAsync<T>(Graph graph, int maxDegreeOfParallelism = 1)
    {
        await using var project = OpenProject();
        var result = await graph.RunCheckedAsync(new RunOptions { Project = project, MaxDegreeOfParallelism = maxDegreeOfParallelism }, TestRuns.Token);
        return [.. result.Values<T>()];
    }
}
