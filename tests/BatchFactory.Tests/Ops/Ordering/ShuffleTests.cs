using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Ordering;

public class ShuffleTests
{
    private static Graph Numbers(int count) => FromList(Enumerable.Range(0, count), outputKey: "n");

    private static async Task<IReadOnlyList<int>> ShuffledAsync(int count, long seed, RunOptions? options = null)
    {
        var result = await (Numbers(count) | Shuffle(seed) | ToList("n")).RunCheckedAsync(options, TestRuns.Token);
        return result.Values<int>();
    }

    [Fact]
    public async Task Shuffle_SameSeed_GivesTheSameOrderAcrossRuns()
    {
        var g = Numbers(200) | Shuffle(42) | ToList("n");

        var first = await g.RunCheckedAsync(null, TestRuns.Token);
        var second = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(first.Values<int>(), second.Values<int>());
        Assert.Equal(first.Output.Idxs, second.Output.Idxs);
    }

    [Fact]
    public async Task Shuffle_SameSeedInAnotherGraph_GivesTheSameOrder()
    {
        var first = await ShuffledAsync(200, seed: 9);
        var second = await ShuffledAsync(200, seed: 9);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Shuffle_DifferentSeeds_GiveDifferentOrders()
    {
        var a = await ShuffledAsync(100, seed: 1);
        var b = await ShuffledAsync(100, seed: 2);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Shuffle_Output_IsAPermutationOfTheInputAndNotTheSourceOrder()
    {
        var shuffled = await ShuffledAsync(500, seed: 3);

        Assert.Equal(Enumerable.Range(0, 500), shuffled.Order());
        Assert.NotEqual(Enumerable.Range(0, 500), shuffled);
    }

    [Fact]
    public async Task Shuffle_KeepsEveryEntryWhole()
    {
        var items = Enumerable.Range(0, 50).Select(i => new { id = $"e{i}", n = i, sq = i * i }).ToArray();
        var g = FromList(items, idxKey: "id") | Shuffle(5) | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(50, result.Entries.Count);
        Assert.All(result.Entries, e =>
        {
            Assert.Equal($"e{e.Get<int>("n")}", e.Idx);
            Assert.Equal(e.Get<int>("n") * e.Get<int>("n"), e.Get<int>("sq"));
        });
        Assert.Equal(new OpStats(1, "Shuffle", "Shuffle(seed 5)", 50, 50, 0), result.Nodes[1]);
    }

    [Fact]
    public async Task Shuffle_Order_DoesNotDependOnMaxDegreeOfParallelism()
    {
        var g = Numbers(300)
            | MapField((int n) => { Thread.Sleep(Random.Shared.Next(3)); return n; }, "n")
            | Shuffle(11)
            | ToList("n");

        var serial = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 1 }, TestRuns.Token);
        var parallel = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 16 }, TestRuns.Token);

        Assert.Equal(serial.Values<int>(), parallel.Values<int>());
    }

    [Fact]
    public async Task Shuffle_Order_IsKeptThroughAParallelMapFieldAfterIt()
    {
        var expected = await ShuffledAsync(300, seed: 4);
        var g = Numbers(300)
            | Shuffle(4)
            | MapField((int n) => { Thread.Sleep(Random.Shared.Next(3)); return n; }, "n")
            | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 16 }, TestRuns.Token);

        Assert.Equal(expected, result.Values<int>());
    }

    [Fact]
    public async Task Shuffle_Order_DependsOnIdxNotOnSourcePosition()
    {
        var ids = Enumerable.Range(0, 40).Select(i => $"id{i}").ToArray();
        var forward = await (FromList(ids, outputKey: "id", idxKey: "id") | Shuffle(8) | ToList("id")).RunCheckedAsync(null, TestRuns.Token);
        var backward = await (FromList(ids.Reverse(), outputKey: "id", idxKey: "id") | Shuffle(8) | ToList("id")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(forward.Values<string>(), backward.Values<string>());
    }

    [Fact]
    public async Task Shuffle_EmptyInput_GivesEmptyOutput()
    {
        var shuffled = await ShuffledAsync(0, seed: 1);

        Assert.Empty(shuffled);
    }
}
