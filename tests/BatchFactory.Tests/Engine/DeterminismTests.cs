using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Engine;

public class DeterminismTests
{
    private static readonly RunOptions Parallel = new() { MaxDegreeOfParallelism = 8, BoundedCapacity = 16 };

    [Fact]
    public async Task RunAsync_RandomPerEntryDelays_OutputOrderIsSourceOrderEveryRun()
    {
        var g = FromList(Enumerable.Range(0, 200), outputKey: "n")
            | MapField((int n) => { Jitter(); return n * 3; }, "n", "t")
            | Filter((int t) => t % 2 == 0, "t")
            | MapField((int t) => { Jitter(); return $"v{t}"; }, "t", "label")
            | ToList("label");

        var expected = Enumerable.Range(0, 200).Select(n => n * 3).Where(t => t % 2 == 0).Select(t => $"v{t}").ToList();
        for (var run = 0; run < 10; run++)
        {
            var result = await g.RunCheckedAsync(Parallel, TestRuns.Token);
            Assert.Equal(expected, result.Values<string>());
        }
    }

    [Fact]
    public async Task RunAsync_RandomDelaysBeforeOrderSensitiveOps_SameOrderEveryRun()
    {
        var g = FromList(Enumerable.Range(0, 150).Select(i => new { n = i, group = i % 4 }))
            | Apply(_ => Jitter())
            | Sort("group")
            | TakeFirstN(60)
            | Apply(_ => Jitter())
            | Shuffle(seed: 7)
            | Apply(_ => Jitter())
            | OutputEntries();

        var first = await g.RunCheckedAsync(Parallel, TestRuns.Token);
        var firstOrder = first.Entries.Select(e => e.Idx).ToList();
        for (var run = 0; run < 6; run++)
        {
            var again = await g.RunCheckedAsync(Parallel, TestRuns.Token);
            Assert.Equal(firstOrder, again.Entries.Select(e => e.Idx));
        }

        // Sort is stable over source order, so TakeFirstN(60) took all of groups 0 and 1 (38 + 38 > 60 → 38 + 22).
        Assert.Equal(60, firstOrder.Count);
        Assert.Equal(38, first.Entries.Count(e => e.Get<int>("group") == 0));
    }

    [Fact]
    public async Task RunAsync_ExplodedChildrenUnderRandomDelays_KeepParentThenItemOrder()
    {
        var rows = Enumerable.Range(0, 30).Select(i => new { id = $"p{i}", items = Enumerable.Range(0, i % 5).ToArray() });
        var g = FromList(rows, idxKey: "id")
            | Apply(_ => Jitter())
            | ExplodeList("items", "item")
            | Apply(_ => Jitter())
            | OutputEntries();

        var expected = rows.SelectMany(r => r.items.Select(i => $"{r.id}#{i}")).ToList();
        for (var run = 0; run < 5; run++)
        {
            var result = await g.RunCheckedAsync(Parallel, TestRuns.Token);
            Assert.Equal(expected, result.Entries.Select(e => e.Idx));
        }
    }

    private static void Jitter() => Thread.Sleep(Random.Shared.Next(0, 3));
}
