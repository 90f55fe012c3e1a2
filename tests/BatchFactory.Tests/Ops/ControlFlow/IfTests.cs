using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.ControlFlow;

public class IfTests
{
    [Fact]
    public async Task If_RoutesThreeAndEightAroundFive()
    {
        var g = FromList([3, 8], outputKey: "x")
            | If<int>(x => x < 5, "x", then: SetField("side", "below"), otherwise: SetField("side", "above"))
            | ToList("x", "side");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["3 below", "8 above"], result.Output.Values().Select(v => $"{v!["x"]} {v["side"]}"));
    }

    [Fact]
    public async Task If_WithoutElse_PassesOtherEntriesOnUnchanged_InSourceOrder()
    {
        var g = FromList(Enumerable.Range(0, 200), outputKey: "x")
            | If<int>(x => x % 3 == 0, "x", MapField<int, int>(x => -x, "x"))
            | ToList("x");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 4, BoundedCapacity = 8 }, TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 200).Select(x => x % 3 == 0 ? -x : x), result.Values<int>());
    }

    [Fact]
    public async Task If_BranchesAreSubGraphs_AndCanNest()
    {
        var g = FromList([1, 15, 150], outputKey: "x")
            | If<int>(
                x => x >= 10,
                "x",
                then: If<int>(x => x >= 100, "x", SetField("size", "large"), SetField("size", "medium")) | MapField<int, int>(x => x * 2, "x"),
                otherwise: SetField("size", "small"))
            | ToList("x", "size");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["1 small", "30 medium", "300 large"], result.Output.Values().Select(v => $"{v!["x"]} {v["size"]}"));
    }

    [Fact]
    public async Task If_PredicateThrows_FailsNamingIfAndIdx()
    {
        var g = FromList([new { id = "bad" }], idxKey: "id") | If<int>(x => x > 0, "missing", SetField("y", 1)) | OutputEntries();

        var error = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("If", error.OpName);
        Assert.Equal("bad", error.Idx);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void If_PrintsTheRouterBothBranchesAndTheJoin()
    {
        var g = If<int>(x => x > 0, "x", SetField("pos", true), SetField("pos", false));

        var text = g.ToString();

        Assert.Contains("If(x)", text);
        Assert.Contains("EndIf", text);
        Assert.Equal(2, text.Split("SetField").Length - 1);
    }
}
