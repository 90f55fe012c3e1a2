using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Routing;

public class ExplodeListTests
{
    private static Graph Docs(params (string Id, string[] Words)[] docs) =>
        FromList(docs.Select(d => new { id = d.Id, title = d.Id.ToUpperInvariant(), words = d.Words }), idxKey: "id");

    [Fact]
    public async Task ExplodeList_GivesOneChildPerItemWithIdxParentHashIndex()
    {
        var g = Docs(("d1", ["x", "y", "z"])) | ExplodeList("words", "word") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["d1#0", "d1#1", "d1#2"], result.Output.Idxs);
        Assert.Equal(["x", "y", "z"], result.Entries.Select(e => e.Get<string>("word")));
        Assert.All(result.Entries, e => Assert.Equal(0, e.Rev));
    }

    [Fact]
    public async Task ExplodeList_Children_KeepTheOtherFieldsAndLoseTheListField()
    {
        var g = Docs(("d1", ["x", "y"])) | ExplodeList("words", "word") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.All(result.Entries, e =>
        {
            Assert.Equal("d1", e.Get<string>("id"));
            Assert.Equal("D1", e.Get<string>("title"));
            Assert.False(e.Has("words"));
        });
    }

    [Fact]
    public async Task ExplodeList_WithoutItemKey_ReplacesTheListWithTheItem()
    {
        var g = Docs(("d1", ["x", "y"])) | ExplodeList("words") | ToList("words");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["x", "y"], result.Values<string>());
    }

    [Fact]
    public async Task ExplodeList_SeveralParents_KeepParentOrderThenItemOrder()
    {
        var g = Docs(("b", ["b0", "b1"]), ("a", ["a0"]), ("c", ["c0", "c1", "c2"])) | ExplodeList("words", "word") | ToList("word");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["b0", "b1", "a0", "c0", "c1", "c2"], result.Values<string>());
        Assert.Equal(["b#0", "b#1", "a#0", "c#0", "c#1", "c#2"], result.Output.Idxs);
    }

    [Fact]
    public async Task ExplodeList_WithParallelism_KeepsParentAndItemOrder()
    {
        var items = Enumerable.Range(0, 100).Select(i => new { id = $"p{i:D3}", items = Enumerable.Range(0, i % 5).Select(j => i * 10 + j).ToArray() }).ToArray();
        var expected = items.SelectMany(i => i.items).ToList();
        var g = FromList(items, idxKey: "id")
            | MapField((int[] xs) => { Thread.SpinWait(Random.Shared.Next(3000)); return xs; }, "items")
            | ExplodeList("items", "item")
            | ToList("item");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 8 }, TestRuns.Token);

        Assert.Equal(expected, result.Values<int>());
    }

    [Fact]
    public async Task ExplodeList_ManyChildrenWithCapacityOne_DeliversAllInOrder()
    {
        var items = new[] { new { xs = Enumerable.Range(0, 300).ToArray() }, new { xs = Enumerable.Range(300, 300).ToArray() } };
        var g = FromList(items) | ExplodeList("xs", "x") | ToList("x");

        var result = await g.RunCheckedAsync(new RunOptions { BoundedCapacity = 1 }, TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 600), result.Values<int>());
    }

    [Fact]
    public async Task ExplodeList_ThenTakeFirstN_TakesTheFirstChildrenInStreamOrder()
    {
        var g = Docs(("a", ["a0", "a1"]), ("b", ["b0", "b1", "b2"]), ("c", ["c0"]))
            | ExplodeList("words", "word")
            | TakeFirstN(3)
            | ToList("word");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 4 }, TestRuns.Token);

        Assert.Equal(["a0", "a1", "b0"], result.Values<string>());
    }

    [Fact]
    public async Task ExplodeList_ZippedLists_PairItemsByPosition()
    {
        var item = new { id = "q", questions = new[] { "q1", "q2" }, answers = new[] { "a1", "a2" } };
        var g = FromList(new[] { item }, idxKey: "id")
            | ExplodeList(["questions", "answers"], ["question", "answer"])
            | ToList("question", "answer");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(
            ["""{"question":"q1","answer":"a1"}""", """{"question":"q2","answer":"a2"}"""],
            result.Values().Select(v => v!.ToJsonString()));
        Assert.Equal(["q#0", "q#1"], result.Output.Idxs);
    }

    [Fact]
    public async Task ExplodeList_ZippedListsWithoutItemKeys_ReplaceEachListWithItsItem()
    {
        var item = new { a = new[] { 1, 2 }, b = new[] { "x", "y" } };
        var g = FromList(new[] { item }) | ExplodeList(["a", "b"]) | ToList("a", "b");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["""{"a":1,"b":"x"}""", """{"a":2,"b":"y"}"""], result.Values().Select(v => v!.ToJsonString()));
    }

    [Fact]
    public async Task ExplodeList_ZippedListsOfUnequalLength_FailNamingTheFields()
    {
        var item = new { id = "u", questions = new[] { "q1", "q2", "q3" }, answers = new[] { "a1" } };
        var g = FromList(new[] { item }, idxKey: "id") | ExplodeList(["questions", "answers"], ["question", "answer"]) | OutputEntries();

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("ExplodeList", ex.OpName);
        Assert.Equal("u", ex.Idx);
        Assert.Equal("answers", ex.Field);
        Assert.Contains("'answers'", ex.Message);
        Assert.Contains("'questions'", ex.Message);
    }

    [Fact]
    public async Task ExplodeList_EmptyList_DropsTheEntry()
    {
        var g = Docs(("full", ["x"]), ("empty", []), ("also", ["y", "z"])) | ExplodeList("words", "word") | ToList("word");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["x", "y", "z"], result.Values<string>());
        Assert.Equal(new OpStats(1, "ExplodeList", "ExplodeList(words -> word)", 3, 3, 1), result.Nodes[1]);
    }

    [Fact]
    public async Task ExplodeList_IndexKey_StoresTheItemPosition()
    {
        var g = Docs(("a", ["x", "y"]), ("b", ["z"])) | ExplodeList("words", "word", indexKey: "pos") | ToList("word", "pos");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([0, 1, 0], result.Values().Select(v => v!["pos"]!.GetValue<int>()));
    }

    [Fact]
    public async Task ExplodeList_ObjectItems_AreCopiedIntoEachChild()
    {
        var item = new JsonObject
        {
            ["id"] = "o",
            ["people"] = new JsonArray(new JsonObject { ["name"] = "Ann" }, new JsonObject { ["name"] = "Bob" }),
        };
        var g = FromList(new[] { item }, idxKey: "id")
            | ExplodeList("people", "person")
            | MapField((JsonObject p) => p["name"]!.GetValue<string>(), "person", "name")
            | ToList("name");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["Ann", "Bob"], result.Values<string>());
    }

    [Fact]
    public async Task ExplodeList_Children_AreIndependentCopies()
    {
        var item = new { id = "p", shared = new[] { 1 }, items = new[] { "a", "b" } };
        var g = FromList(new[] { item }, idxKey: "id")
            | ExplodeList("items", "item")
            | Apply(e =>
            {
                if (e.Get<string>("item") == "a")
                {
                    e.Data["shared"]!.AsArray().Add(2);
                }
            })
            | ToList("shared");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([[1, 2], [1]], result.Values<int[]>());
    }

    [Fact]
    public async Task ExplodeList_FieldThatIsNotAList_FailsNamingFieldAndIdx()
    {
        var g = FromList(new[] { new { id = "s", words = "not a list" } }, idxKey: "id") | ExplodeList("words") | OutputEntries();

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("ExplodeList", ex.OpName);
        Assert.Equal("s", ex.Idx);
        Assert.Equal("words", ex.Field);
        Assert.Contains("not a list", ex.Message);
    }

    [Fact]
    public async Task ExplodeList_MissingField_FailsNamingIt()
    {
        var g = FromList(new[] { new { id = "m" } }, idxKey: "id") | ExplodeList("words") | OutputEntries();

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("m", ex.Idx);
        Assert.Equal("words", ex.Field);
    }

    [Fact]
    public void ExplodeList_ItemKeysCountNotMatchingListKeys_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentException>(() => ExplodeList(["a", "b"], ["x"]));
    }

    [Fact]
    public async Task ExplodeList_Twice_NestsIdxAndKeepsOrder()
    {
        var item = new JsonObject
        {
            ["id"] = "g",
            ["rows"] = new JsonArray(new JsonArray(1, 2), new JsonArray(3)),
        };
        var g = FromList(new[] { item }, idxKey: "id") | ExplodeList("rows", "row") | ExplodeList("row", "cell") | ToList("cell");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([1, 2, 3], result.Values<int>());
        Assert.Equal(["g#0#0", "g#0#1", "g#1#0"], result.Output.Idxs);
    }
}
