using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.ControlFlow;

public class WhileTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task While_HalvesUntilOdd_EachEntryGoingRoundItsOwnNumberOfTimes(bool inline)
    {
        var g = FromList([1, 12, 40, 7], outputKey: "n")
            | While<int>(MapField<int, int>(n => n / 2, "n"), n => n % 2 == 0, "n")
            | OutputEntries();

        var result = await g.RunCheckedAsync(Loops.Options(inline), TestRuns.Token);

        Assert.Equal([1, 3, 5, 7], result.Entries.Select(e => e.Get<int>("n")));
        Assert.Equal([0, 2, 3, 0], result.Entries.Select(e => e.Rev));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task While_ConditionThatNeverEnds_FailsAtMaxIterationsNamingOpAndIdx(bool inline)
    {
        var g = FromList([new { id = "spinner", n = 1 }], idxKey: "id")
            | While<int>(MapField<int, int>(n => n + 1, "n"), n => n > 0, "n", maxIterations: 25)
            | OutputEntries();

        var error = await g.RunFailingAsync<OpException>(Loops.Options(inline), TestRuns.Token);

        Assert.Equal("While", error.OpName);
        Assert.Equal("spinner", error.Idx);
        Assert.Contains("25 times", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task While_NestedRepeatInsideListParallelInsideWhile_GivesTheExpectedValues(bool inline)
    {
        // Each entry holds a list; each round doubles every item twice (Repeat 2 inside ListParallel) until the sum passes 100.
        var quadruple = Repeat(MapField<int, int>(v => v * 2, "v"), 2, roundsKey: "inner");
        var g = FromList([new { id = "a", items = new[] { 1, 2 } }, new { id = "b", items = new[] { 50 } }], idxKey: "id")
            | While<int[]>(ListParallel(quadruple, "items", "v"), items => items.Sum() <= 100, "items")
            | OutputEntries();

        var result = await g.RunCheckedAsync(Loops.Options(inline, boundedCapacity: 2), TestRuns.Token);

        Assert.Equal([[64, 128], [200]], result.Entries.Select(e => e.Get<int[]>("items")));
        Assert.Equal([3, 1], result.Entries.Select(e => e.Rev));
    }

    [Fact]
    public void Loops_CyclesWiredByHand_AreStillRefused()
    {
        var a = MapField<int, int>(x => x, "x");
        var b = Replicate();
        var g = (a | b).Wire(b, a, 1, 0);

        var error = Assert.ThrowsAny<GraphException>(() => g.RunAsync(cancellationToken: TestRuns.Token).GetAwaiter().GetResult());

        Assert.Contains("cycle", error.Message);
    }
}
