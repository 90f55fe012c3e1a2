using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.ControlFlow;

public class ListParallelTests
{
    private static Graph SumOfSquares(params int[] ns) =>
        FromList(ns, outputKey: "n")
        | MapField<int, int[]>(n => [.. Enumerable.Range(1, n)], "n", "items")
        | ListParallel(MapField<int, int>(i => i * i, "i", "square"), "items", "i", "square", "squares")
        | MapField<int[], int>(s => s.Sum(), "squares", "sum");

    [Fact]
    public async Task ListParallel_SumOfSquares_OneGivesOne_FiveGivesFiftyFive()
    {
        var result = await (SumOfSquares(1, 5) | ToList("sum")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([1, 55], result.Values<int>());
    }

    [Fact]
    public async Task ListParallel_WithoutOutputKeys_WritesTheItemBackIntoTheList()
    {
        var g = FromList([new { id = "m", words = new[] { "a", "b" } }], idxKey: "id")
            | ListParallel(MapField((string w) => w.ToUpperInvariant(), "w"), "words", "w")
            | ToList("words");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([new[] { "A", "B" }], result.Values<string[]>());
    }

    [Fact]
    public void ListParallel_SeveralListKeysWithoutOutputKeys_IsRefusedNamingWhatToGive()
    {
        var ex = Assert.Throws<ArgumentException>(() => ListParallel(MapField((string t) => t.Length, "text", "len"), ["segments", "lang"], ["text", "lang"]));

        Assert.Equal("outputItemKeys", ex.ParamName);
        Assert.Contains("outputListKeys", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListParallel_OutputArraysOfDifferentLengths_IsRefusedWithListParallelsNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => ListParallel(MapField((string t) => t.Length, "text", "len"), ["segments"], ["text"], ["len", "text"], ["lens"]));

        Assert.Equal("outputListKeys", ex.ParamName);
        Assert.StartsWith("ListParallel: 2 outputItemKeys but 1 outputListKeys", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListParallel_BroadcastFieldWithOutputKeysGiven_StaysAsItWas()
    {
        var g = FromList([new { id = "m", segments = new[] { "ab", "cde" }, lang = "en" }], idxKey: "id")
            | ListParallel(MapField((string t, string l) => $"{l}:{t.Length}", ["text", "lang"], "len"), ["segments", "lang"], ["text", "lang"], ["len"], ["lens"])
            | ToList("lens", "lang");

        var row = Assert.Single((await g.RunCheckedAsync(null, TestRuns.Token)).Values());

        Assert.Equal("""["en:2","en:3"]""", row!["lens"]!.ToJsonString());
        Assert.Equal("en", row["lang"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListParallel_CollectsInItemOrder_HoweverTheChildrenFinish()
    {
        var g = FromList([new { id = "m", words = new[] { "a", "bb", "ccc", "dddd", "eeeee" } }], idxKey: "id")
            | ListParallel(Apply(e => Thread.Sleep(Random.Shared.Next(0, 5))) | MapField<string, int>(w => w.Length, "w", "len"), "words", "w", "len", "lens")
            | ToList("lens");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 5, FuseEntryOps = false }, TestRuns.Token);

        Assert.Equal([1, 2, 3, 4, 5], Assert.Single(result.Values<int[]>()));
    }

    [Fact]
    public async Task ListParallel_Children_HaveStableIdxFromMasterAndItemIndex_AndOnlyTheItemField()
    {
        var seen = new List<string>();
        var g = FromList([new { id = "doc", title = "T", parts = new[] { "x", "y" } }], idxKey: "id")
            | ListParallel(Apply(e => { lock (seen) { seen.Add($"{e.Idx}:{e.Data.ToJsonString()}"); } }) | SetField("ok", true), "parts", "part", "ok", "oks")
            | OutputEntries();

        var master = Assert.Single((await g.RunCheckedAsync(null, TestRuns.Token)).Entries);

        Assert.Equal(["doc#0:{\"part\":\"x\"}", "doc#1:{\"part\":\"y\"}"], seen.Order());
        Assert.Equal("doc", master.Idx);
        Assert.Equal("T", master.Get<string>("title"));
        Assert.Equal([true, true], master.Get<bool[]>("oks"));
    }

    [Fact]
    public async Task ListParallel_ZipsListsAndBroadcastsSingleItemsAndScalars()
    {
        var g = FromList([new { id = "m", a = new[] { 1, 2, 3 }, b = new[] { 10, 20, 30 }, c = new[] { 100 }, d = 1000 }], idxKey: "id")
            | ListParallel(
                MapField<int, int, int, int>((a, b, c) => a + b + c, ["a", "b", "c"], ["abc"]) | MapField<int, int, int>((x, d) => x + d, ["abc", "d"], "total"),
                ["a", "b", "c", "d"], ["a", "b", "c", "d"], ["total"], ["totals"])
            | ToList("totals");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([1111, 1122, 1133], Assert.Single(result.Values<int[]>()));
    }

    [Fact]
    public async Task ListParallel_ListsOfDifferentLengths_FailNamingBothListsAndIdx()
    {
        var g = FromList([new { id = "m", a = new[] { 1, 2 }, b = new[] { 1, 2, 3 } }], idxKey: "id")
            | ListParallel(Graph.Empty, ["a", "b"], ["a", "b"], ["a"], ["as"])
            | OutputEntries();

        var error = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("ListParallel › SpawnFromList", error.OpName);
        Assert.Equal("m", error.Idx);
        Assert.Contains("'b' has 3 items but 'a' has 2", error.Message);
    }

    [Fact]
    public async Task ListParallel_EmptyList_GivesAnEmptyResultList()
    {
        var g = FromList([new { id = "m", items = Array.Empty<int>() }], idxKey: "id")
            | ListParallel(MapField<int, int>(i => i, "i", "o"), "items", "i", "o", "os")
            | ToList("os");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Empty(Assert.Single(result.Values<int[]>()));
    }

    [Fact]
    public async Task ListParallel_ChildrenDroppedByTheBody_AreLeftOutOfTheList()
    {
        var g = FromList([new { id = "m", items = Enumerable.Range(0, 10).ToArray() }], idxKey: "id")
            | ListParallel(Filter<int>(i => i % 3 == 0, "i"), "items", "i", "i", "kept")
            | ToList("kept");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([0, 3, 6, 9], Assert.Single(result.Values<int[]>()));
    }

    [Fact]
    public async Task ListParallel_AllChildrenDropped_MasterStillLeavesWithAnEmptyList()
    {
        var g = FromList(Enumerable.Range(0, 20).Select(i => new { id = $"m{i}", items = new[] { 1, 2 } }), idxKey: "id")
            | ListParallel(Filter(_ => false), "items", "i", "i", "kept")
            | ToList("kept");

        var result = await g.RunCheckedAsync(new RunOptions { BoundedCapacity = 2 }, TestRuns.Token);

        Assert.Equal(20, result.Values<int[]>().Count);
        Assert.All(result.Values<int[]>(), Assert.Empty);
    }

    [Fact]
    public async Task ListParallel_ManyMasters_StreamWithSmallBuffers_AndKeepSourceOrder()
    {
        var g = FromList(Enumerable.Range(0, 2000), outputKey: "n")
            | MapField<int, int[]>(n => [n, n + 1, n + 2], "n", "items")
            | ListParallel(MapField<int, int>(i => i * 2, "i"), "items", "i", "i", "doubled")
            | ToList("n", "doubled");

        var result = await g.RunCheckedAsync(new RunOptions { BoundedCapacity = 3 }, TestRuns.Token);

        Assert.Equal(2000, result.Output.Values().Count);
        Assert.All(result.Output.Values(), v =>
        {
            var n = (int)v!["n"]!;
            Assert.Equal([2 * n, 2 * n + 2, 2 * n + 4], v["doubled"]!.AsArray().Select(x => (int)x!));
        });
        Assert.Equal(Enumerable.Range(0, 2000), result.Output.Values().Select(v => (int)v!["n"]!));
    }

    [Fact]
    public async Task ListParallel_NestedInsideListParallel_GathersEachLevel()
    {
        var inner = ListParallel(MapField<int, int>(x => x + 1, "x"), "row", "x", "x", "row");
        var g = FromList([new { id = "grid", rows = new[] { new[] { 1, 2 }, new[] { 3 } } }], idxKey: "id")
            | ListParallel(inner, "rows", "row", "row", "rows")
            | ToList("rows");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("[[2,3],[4]]", Assert.Single(result.Output.Values())!.ToJsonString());
    }

    [Fact]
    public async Task SpawnFromListAndCollectAllToList_WiredByHand_WorkLikeListParallel()
    {
        var spawn = SpawnFromList("items", "i");
        var square = MapField<int, int>(i => i * i, "i");
        var collect = CollectAllToList("i", "squares");
        var g = (FromList([new { id = "m", items = new[] { 2, 3 } }], idxKey: "id") | spawn | collect)
            .Wire(spawn, square, 1, 0).Wire(square, collect, 0, 1)
            | ToList("squares");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([4, 9], Assert.Single(result.Values<int[]>()));
    }

    [Fact]
    public async Task ListParallel_LastChildEndingOnASlowSideBranchAfterTheOthersAreIn_StillReleasesTheMaster()
    {
        // Each child is copied: the copy that reaches the collector is filtered out at once, the other ends slowly on an
        // unwired side branch, after the collector's inputs have ended. The master must still come out.
        var copy = Replicate();
        var dropAll = Filter(_ => false);
        var slowEnd = Apply(_ => Thread.Sleep(50));
        var body = (copy | dropAll).Wire(copy, slowEnd, 1, 0);
        var g = FromList([new { id = "m", items = new[] { 1, 2 } }], idxKey: "id")
            | ListParallel(body, "items", "i", "i", "kept")
            | ToList("kept");

        var result = await g.RunCheckedAsync(new RunOptions { FuseEntryOps = false }, TestRuns.Token);

        Assert.Empty(Assert.Single(result.Values<int[]>()));
    }

    [Fact]
    public async Task CollectField_MergesAFieldComputedOnAReplicatedCopy_BackOntoTheEntry()
    {
        var replicate = Replicate();
        var side = MapField<int, int>(x => x * 100, "x", "big");
        var merge = CollectField("big");
        var g = (FromList([1, 2, 3], outputKey: "x") | replicate | merge).Wire(replicate, side, 1, 0).Wire(side, merge, 0, 1)
            | ToList("x", "big");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["1/100", "2/200", "3/300"], result.Output.Values().Select(v => $"{v!["x"]}/{v["big"]}"));
    }

    [Fact]
    public void CollectField_InsideALoopBody_IsRefusedWhenBuilt()
    {
        var replicate = Replicate();
        var side = MapField<int, int>(x => x + 1, "x", "next");
        var merge = CollectField("next");
        var body = (replicate | merge).Wire(replicate, side, 1, 0).Wire(side, merge, 0, 1);

        var error = Assert.Throws<GraphException>(() => Repeat(body, 3));

        Assert.Contains("CollectField", error.Message);
        Assert.Contains("loop body", error.Message);
    }

    [Fact]
    public async Task ListParallel_ChildMissingTheOutputField_FailsNamingFieldAndChildIdx()
    {
        var g = FromList([new { id = "m", items = new[] { 1 } }], idxKey: "id")
            | ListParallel(Graph.Empty, "items", "i", "nope", "out")
            | OutputEntries();

        var error = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("ListParallel › CollectAllToList", error.OpName);
        Assert.Equal("m#0", error.Idx);
        Assert.Contains("nope", error.Message);
    }

    [Fact]
    public async Task ListParallel_ResultsAreJsonLists()
    {
        var g = FromList([new { id = "m", items = new[] { "p" } }], idxKey: "id") | ListParallel(Graph.Empty, "items", "i", "i", "copy") | OutputEntries();

        var master = Assert.Single((await g.RunCheckedAsync(null, TestRuns.Token)).Entries);

        Assert.IsType<JsonArray>(master.Data["copy"]);
    }
}
