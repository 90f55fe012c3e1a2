using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.ControlFlow;

public sealed class LoopResumeTests : IDisposable
{
    private readonly TempFolder _data = new();
    private int _bodyCalls;

    public void Dispose() => _data.Dispose();

    private Graph Doubling(int entries) =>
        FromList(Enumerable.Range(1, entries), outputKey: "n")
        | Repeat(CheckPoint(MapField((int n) => { Interlocked.Increment(ref _bodyCalls); return n * 2; }, "n"), "round"), 3)
        | ToList("n");

    [Fact]
    public async Task CheckPointInsideRepeat_StoresEveryRound_AndARerunDoesNoBodyWork()
    {
        var first = await RunAsync(Doubling(5));
        Assert.Equal(15, _bodyCalls);
        await using (var project = OpenProject())
        {
            Assert.Equal(15, (await project.OpenLedgerAsync("checkpoint-round", TestRuns.Token)).Count);
        }

        _bodyCalls = 0;
        var second = await RunAsync(Doubling(5));

        Assert.Equal(0, _bodyCalls);
        Assert.Equal([8, 16, 24, 32, 40], second.Values<int>());
        Assert.Equal(first.Values<int>(), second.Values<int>());
    }

    [Fact]
    public async Task FailingOpInsideAListParallelBody_FailsTheRunNamingOpAndChildIdx()
    {
        var g = FromList([new { id = "doc", parts = new[] { 1, 2, 3 } }], idxKey: "id")
            | ListParallel(MapField((int p) => p == 2 ? throw new InvalidOperationException("bad part") : p, "p").Named("Check"), "parts", "p", "p", "parts")
            | OutputEntries();

        var error = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("Check", error.OpName);
        Assert.Equal("doc#1", error.Idx);
        Assert.Contains("bad part", error.ToString());
    }

    [Fact]
    public async Task CancellingDuringAListParallelBody_EndsTheRunWithEveryBlockCompleted()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        var g = FromList(Enumerable.Range(0, 200).Select(i => new { id = $"m{i}", parts = new[] { i, i } }), idxKey: "id")
            | ListParallel(Apply(e => { if (e.Idx == "m100#1") { cts.Cancel(); } }), "parts", "p", "p", "parts")
            | OutputEntries();

        await g.RunFailingAsync<OperationCanceledException>(new RunOptions { BoundedCapacity = 4 }, cts.Token);
    }

    private ProjectFolder OpenProject() => ProjectFolder.Open("loops", "1", new ProjectFolderOptions { DataDirectory = _data.Path });

    private async Task<RunResult> RunAsync(Graph graph)
    {
        await using var project = OpenProject();
        return await graph.RunCheckedAsync(new RunOptions { Project = project }, TestRuns.Token);
    }
}
