using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.ControlFlow;

public class ControlFlowDeterminismTests
{
    private static Op Jitter() => Apply(_ => Thread.Sleep(Random.Shared.Next(0, 3)));

    [Fact]
    public async Task LoopsBranchesAndSpawns_WithRandomDelays_GiveIdenticalOutputEveryRun()
    {
        var g = FromList(Enumerable.Range(0, 60), outputKey: "n")
            | MapField<int, int[]>(n => [.. Enumerable.Range(n, n % 4)], "n", "items")
            | ListParallel(Jitter() | MapField<int, int>(i => i * 3, "i"), "items", "i", "i", "items")
            | Repeat(Jitter() | If<int>(n => n % 2 == 0, "n", MapField<int, int>(n => n / 2, "n"), MapField<int, int>(n => n * 3 + 1, "n")), 3)
            | While<int>(Jitter() | MapField<int, int>(n => n - 40, "n"), n => n > 50, "n")
            | ToList("n", "items", "rounds");

        var options = new RunOptions { MaxDegreeOfParallelism = 4, BoundedCapacity = 3, FuseEntryOps = false };
        var first = (await g.RunCheckedAsync(options, TestRuns.Token)).Output.Values().Select(v => v!.ToJsonString()).ToList();
        for (var run = 0; run < 8; run++)
        {
            var again = (await g.RunCheckedAsync(options, TestRuns.Token)).Output.Values().Select(v => v!.ToJsonString()).ToList();
            Assert.Equal(first, again);
        }

        Assert.Equal(60, first.Count);
    }
}
