using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Ordering;

public class TakeFirstNTests
{
    private static Graph Numbers(int count) => FromList(Enumerable.Range(0, count), outputKey: "n");

    [Fact]
    public async Task TakeFirstN_KeepsTheFirstNInSourceOrder()
    {
        var g = FromList(new[] { 9, 4, 7, 1, 8 }, outputKey: "n") | TakeFirstN(3) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([9, 4, 7], result.Values<int>());
    }

    [Fact]
    public async Task TakeFirstN_Stats_CountTheRestAsDropped()
    {
        var g = Numbers(10) | TakeFirstN(3) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(new OpStats(1, "TakeFirstN", "TakeFirstN(3)", 10, 3, 7), result.Nodes[1]);
    }

    [Fact]
    public async Task TakeFirstN_AfterParallelMapField_StillTakesTheFirstInSourceOrder()
    {
        var g = Numbers(300)
            | MapField((int n) => { Thread.SpinWait(Random.Shared.Next(5000)); return n; }, "n")
            | TakeFirstN(25)
            | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 8 }, TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 25), result.Values<int>());
    }

    [Fact]
    public async Task TakeFirstN_AfterShuffle_TakesTheFirstNOfTheShuffledOrder()
    {
        var shuffled = (await (Numbers(100) | Shuffle(21) | ToList("n")).RunCheckedAsync(null, TestRuns.Token)).Values<int>();
        var g = Numbers(100) | Shuffle(21) | TakeFirstN(10) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(shuffled.Take(10), result.Values<int>());
        Assert.NotEqual(Enumerable.Range(0, 10), result.Values<int>());
    }

    [Fact]
    public async Task TakeFirstN_AfterShuffleAndParallelMapField_DoesNotDependOnTiming()
    {
        var shuffled = (await (Numbers(200) | Shuffle(5) | ToList("n")).RunCheckedAsync(null, TestRuns.Token)).Values<int>();
        var g = Numbers(200)
            | Shuffle(5)
            | MapField((int n) => { Thread.SpinWait(Random.Shared.Next(5000)); return n; }, "n")
            | TakeFirstN(20)
            | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 8 }, TestRuns.Token);

        Assert.Equal(shuffled.Take(20), result.Values<int>());
    }

    [Fact]
    public async Task TakeFirstN_Zero_KeepsNone()
    {
        var g = Numbers(5) | TakeFirstN(0) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Empty(result.Values<int>());
        Assert.Equal(5, result.Nodes[1].Dropped);
    }

    [Fact]
    public async Task TakeFirstN_MoreThanTheCount_KeepsAll()
    {
        var g = Numbers(5) | TakeFirstN(100) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([0, 1, 2, 3, 4], result.Values<int>());
        Assert.Equal(0, result.Nodes[1].Dropped);
    }

    [Fact]
    public async Task TakeFirstN_ExactlyTheCount_KeepsAll()
    {
        var g = Numbers(5) | TakeFirstN(5) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([0, 1, 2, 3, 4], result.Values<int>());
    }

    [Fact]
    public async Task TakeFirstN_AfterFilter_TakesTheFirstSurvivors()
    {
        var g = Numbers(100) | Filter((int n) => n % 7 == 0, "n") | TakeFirstN(4) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([0, 7, 14, 21], result.Values<int>());
    }

    [Fact]
    public async Task TakeFirstN_Chained_TakesTheSmallerCount()
    {
        var g = Numbers(20) | TakeFirstN(10) | TakeFirstN(3) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([0, 1, 2], result.Values<int>());
    }

    [Fact]
    public void TakeFirstN_Negative_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TakeFirstN(-1));
    }
}
