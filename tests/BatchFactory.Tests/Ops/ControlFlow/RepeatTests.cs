using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.ControlFlow;

public class RepeatTests
{
    // n! by multiplying a running product by the round number, 1..n.
    private static Graph Factorial(int n) =>
        FromList([n], outputKey: "n")
        | SetField("product", 1)
        | Repeat(MapField<long, long, long>((p, r) => p * r, ["product", "rounds"], "product"), n)
        | OutputEntries();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 120)]
    [InlineData(10, 3628800)]
    public async Task Repeat_ComputesFactorial_FromTheRoundsField(int n, long expected)
    {
        var result = await Factorial(n).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(expected, Assert.Single(result.Entries).Get<long>("product"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_RoundsFieldIsOneToNInsideTheBody_AndNAfter(bool inline)
    {
        var seen = new List<int>();
        var g = FromList([7], outputKey: "x")
            | Repeat(Apply(e => { lock (seen) { seen.Add(e.Get<int>("rounds")); } }), 5)
            | OutputEntries();

        var result = await g.RunCheckedAsync(Loops.Options(inline), TestRuns.Token);

        Assert.Equal([1, 2, 3, 4, 5], seen);
        Assert.Equal(5, Assert.Single(result.Entries).Get<int>("rounds"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_RevGrowsByOneEachTimeTheEntryGoesRound(bool inline)
    {
        var revsInBody = new List<int>();
        var g = FromList([1], outputKey: "x")
            | Repeat(Apply(e => { lock (revsInBody) { revsInBody.Add(e.Rev); } }), 3)
            | OutputEntries();

        var result = await g.RunCheckedAsync(Loops.Options(inline), TestRuns.Token);

        Assert.Equal([0, 1, 2], revsInBody);
        Assert.Equal(3, Assert.Single(result.Entries).Rev);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_ZeroRounds_SkipsTheBodyAndSetsRoundsToZero(bool inline)
    {
        var calls = 0;
        var g = FromList([1, 2], outputKey: "x") | Repeat(Apply(_ => Interlocked.Increment(ref calls)), 0) | ToList("rounds");

        var result = await g.RunCheckedAsync(Loops.Options(inline), TestRuns.Token);

        Assert.Equal(0, calls);
        Assert.Equal([0, 0], result.Values<int>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_RoundsFromAField_GoesRoundAsOftenAsEachEntrySays(bool inline)
    {
        var g = FromList([0, 1, 4, 2], outputKey: "n")
            | SetField("visits", 0)
            | Repeat(MapField<int, int>(v => v + 1, "visits"), maxRoundsKey: "n")
            | ToList("n", "visits");

        var result = await g.RunCheckedAsync(Loops.Options(inline), TestRuns.Token);

        Assert.Equal(["0/0", "1/1", "4/4", "2/2"], result.Output.Values().Select(v => $"{v!["n"]}/{v["visits"]}"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_RoundsFieldAboveMaxIterations_FailsNamingFieldAndIdx(bool inline)
    {
        var g = FromList([new { id = "big", n = 50 }], idxKey: "id") | Repeat(Apply(_ => { }), maxRoundsKey: "n", maxIterations: 10) | OutputEntries();

        var error = await g.RunFailingAsync<OpException>(Loops.Options(inline), TestRuns.Token);

        Assert.Equal("Repeat", error.OpName);
        Assert.Equal("big", error.Idx);
        Assert.Contains("'n'", error.Message);
        Assert.Contains("50", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_ManyEntries_AllComeOutWithTheRightCount_InSourceOrder(bool inline)
    {
        var g = FromList(Enumerable.Range(0, 5000), outputKey: "i")
            | SetField("sum", 0)
            | Repeat(MapField<int, int, int>((s, r) => s + r, ["sum", "rounds"], "sum"), 4)
            | ToList("i", "sum");

        var result = await g.RunCheckedAsync(Loops.Options(inline, boundedCapacity: 16), TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 5000), result.Output.Values().Select(v => (int)v!["i"]!));
        Assert.All(result.Output.Values(), v => Assert.Equal(10, (int)v!["sum"]!));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_EmptyBody_StillCountsRoundsAndRevs(bool inline)
    {
        var g = FromList([1], outputKey: "x") | Repeat(Graph.Empty, 3) | OutputEntries();

        var entry = Assert.Single((await g.RunCheckedAsync(Loops.Options(inline), TestRuns.Token)).Entries);

        Assert.Equal(3, entry.Get<int>("rounds"));
        Assert.Equal(3, entry.Rev);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_FilterInTheBody_DropsEntriesAndTheRunStillCompletes(bool inline)
    {
        var g = FromList(Enumerable.Range(0, 100), outputKey: "i")
            | Repeat(Filter<int>(i => i % 2 == 0, "i") | MapField<int, int>(i => i / 2, "i"), 3)
            | ToList("i");

        var result = await g.RunCheckedAsync(Loops.Options(inline, boundedCapacity: 4), TestRuns.Token);

        // Kept: i divisible by 8 (even in all three rounds), ending as i / 8.
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i % 8 == 0).Select(i => i / 8), result.Values<int>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_ExplodeListInTheBody_FollowsEveryChildRound(bool inline)
    {
        var g = FromList([new { id = "a", parts = new[] { 1, 2 } }], idxKey: "id")
            | Repeat(ExplodeList("parts") | MapField<int, int[]>(p => [p, p * 10], "parts"), 2)
            | ExplodeList("parts")
            | ToList("parts");

        var result = await g.RunCheckedAsync(Loops.Options(inline), TestRuns.Token);

        // Round 1: children 1 and 2 each get a list [p, 10p]; round 2 explodes those; after the loop the last lists explode.
        Assert.Equal([1, 10, 10, 100, 2, 20, 20, 200], result.Values<int>());
    }

    [Fact]
    public void Repeat_WithSortInTheBody_IsRefusedWhenBuilt()
    {
        var error = Assert.Throws<GraphException>(() => Repeat(Sort("x"), 2));

        Assert.Contains("Sort", error.Message);
        Assert.Contains("loop body", error.Message);
    }

    [Fact]
    public void While_WithAFileWriterInTheBody_IsRefusedWhenBuilt()
    {
        var error = Assert.Throws<GraphException>(() => While(MapField((int x) => x, "x") | WriteJsonl("out.jsonl"), _ => true));

        Assert.Contains("WriteJsonl", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_FailingOpInTheBody_FailsTheRunNamingOpAndIdx_AndEveryBlockCompletes(bool inline)
    {
        var g = FromList(Enumerable.Range(0, 50).Select(i => new { id = $"e{i}", i }), idxKey: "id")
            | Repeat(MapField<int, int>(i => i == 23 ? throw new InvalidOperationException("boom") : i, "i").Named("Explode23"), 3)
            | OutputEntries();

        var error = await g.RunFailingAsync<OpException>(Loops.Options(inline), TestRuns.Token);

        Assert.Equal("Explode23", error.OpName);
        Assert.Equal("e23", error.Idx);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_Cancelled_EndsTheRunWithEveryBlockCompleted(bool inline)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        var g = FromList(Enumerable.Range(0, 1000), outputKey: "i")
            | Repeat(Apply(e => { if (e.Get<int>("i") == 500) { cts.Cancel(); } }), 5)
            | OutputEntries();

        await g.RunFailingAsync<OperationCanceledException>(Loops.Options(inline), cts.Token);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Repeat_RunSummary_CountsEveryRoundOfTheBodyOp_AndEachEntryOnceForTheLoop(bool inline)
    {
        var g = FromList(Enumerable.Range(0, 30), outputKey: "i")
            | Repeat(MapField<int, int>(i => i + 1, "i").Named("Step") | Filter<int>(i => i % 10 != 0, "i").Named("Cut"), 4)
            | ToList("i");

        var result = await g.RunCheckedAsync(Loops.Options(inline), TestRuns.Token);

        var loop = result.Nodes.Single(o => o.Name == "Repeat");
        var cut = result.Nodes.Single(o => o.Name == "Cut");
        Assert.Equal(30, loop.In);
        Assert.Equal(result.Values<int>().Count, loop.Out);
        Assert.Equal(30 - result.Values<int>().Count, cut.Dropped);
        Assert.Equal(result.Nodes.Single(o => o.Name == "Step").In, cut.In);
    }
}
