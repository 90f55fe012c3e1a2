using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Sources;

public class FromListTests
{
    private sealed record Person(string Name, int Age);

    private sealed record Keyed(string Id, int N);

    private sealed record NumberKeyed(int Id, string Name);

    [Fact]
    public async Task FromList_Records_BecomeFieldsNamedAsDeclared()
    {
        var g = FromList(new[] { new Person("Ann", 31), new Person("Bob", 42) }) | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(2, result.Entries.Count);
        Assert.Equal("Ann", result.Entries[0].Get<string>("Name"));
        Assert.Equal(31, result.Entries[0].Get<int>("Age"));
        Assert.Equal("Bob", result.Entries[1].Get<string>("Name"));
        Assert.Equal(42, result.Entries[1].Get<int>("Age"));
        Assert.Equal(["Name", "Age"], result.Entries[0].Data.Select(p => p.Key));
    }

    [Fact]
    public async Task FromList_AnonymousObjects_BecomeFields()
    {
        var g = FromList(new[] { new { text = "hi", n = 1 }, new { text = "yo", n = 2 } }) | ToList("text", "n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["hi", "yo"], result.Values().Select(v => v!["text"]!.GetValue<string>()));
        Assert.Equal([1, 2], result.Values().Select(v => v!["n"]!.GetValue<int>()));
    }

    [Fact]
    public async Task FromList_Dictionaries_BecomeFields()
    {
        var items = new List<Dictionary<string, object?>>
        {
            new() { ["word"] = "apple", ["count"] = 3, ["note"] = null },
            new() { ["word"] = "pear", ["count"] = 5, ["note"] = "ripe" },
        };
        var g = FromList(items) | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var first = result.Entries[0];
        Assert.Equal("apple", first.Get<string>("word"));
        Assert.Equal(3, first.Get<int>("count"));
        Assert.True(first.Has("note"));
        Assert.Null(first.Get<string?>("note"));
        Assert.Equal("ripe", result.Entries[1].Get<string>("note"));
    }

    [Fact]
    public async Task FromList_JsonObjects_BecomeFields()
    {
        var items = new[]
        {
            new JsonObject { ["q"] = "why?", ["tags"] = new JsonArray("a", "b") },
            new JsonObject { ["q"] = "how?", ["tags"] = new JsonArray() },
        };
        var g = FromList(items) | ToList("q", "tags");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"q":"why?","tags":["a","b"]}""", result.Values()[0]!.ToJsonString());
        Assert.Equal("""{"q":"how?","tags":[]}""", result.Values()[1]!.ToJsonString());
    }

    [Fact]
    public async Task FromList_JsonObjectItem_IsNotMutatedByARunThatChangesEntries()
    {
        var item = new JsonObject { ["n"] = 1, ["list"] = new JsonArray(1, 2) };
        var before = item.ToJsonString();
        var g = FromList(new[] { item })
            | MapField((int n) => n + 100, "n")
            | Apply(e => e.Data["list"]!.AsArray().Add(3))
            | SetField("added", true)
            | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(101, result.Entries[0].Get<int>("n"));
        Assert.Equal(before, item.ToJsonString());
        Assert.Null(item.Parent);
        Assert.NotSame(item, result.Entries[0].Data);
    }

    [Fact]
    public async Task FromList_JsonObjectItemsRunTwice_GiveTheSameOutput()
    {
        var items = new[] { new JsonObject { ["n"] = 1 }, new JsonObject { ["n"] = 2 } };
        var g = FromList(items) | MapField((int n) => n * 10, "n") | OutputEntries();

        var first = await g.RunCheckedAsync(null, TestRuns.Token);
        var second = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([10, 20], first.Entries.Select(e => e.Get<int>("n")));
        Assert.Equal([10, 20], second.Entries.Select(e => e.Get<int>("n")));
        Assert.Equal(first.Output.Idxs, second.Output.Idxs);
    }

    [Fact]
    public async Task FromList_ScalarsWithOutputKey_StoreEachItemUnderTheKey()
    {
        var g = FromList(new[] { 3, 1, 2 }, outputKey: "n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([3, 1, 2], result.Values<int>());
    }

    [Fact]
    public async Task FromList_ObjectsWithOutputKey_StoreWholeItemUnderTheKey()
    {
        var g = FromList(new[] { new Person("Ann", 31) }, outputKey: "person") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var entry = Assert.Single(result.Entries);
        Assert.Equal(["person"], entry.Data.Select(p => p.Key));
        Assert.Equal(new Person("Ann", 31), entry.Get<Person>("person"));
    }

    [Fact]
    public async Task FromList_ScalarsWithoutOutputKey_FailSayingToPassOutputKeyAndNamingThePosition()
    {
        var g = FromList(new object[] { new { a = 1 }, 5 }) | OutputEntries();

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("FromList", ex.OpName);
        Assert.Contains("item 1", ex.Message);
        Assert.Contains("outputKey", ex.Message);
    }

    [Fact]
    public async Task FromList_StringsWithoutOutputKey_FailAtTheFirstItem()
    {
        var g = FromList(new[] { "a", "b" }) | ToList("a");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Contains("item 0", ex.Message);
        Assert.Contains("outputKey", ex.Message);
    }

    [Fact]
    public async Task FromList_BadItemLateInTheList_FailsTheRunEvenBehindABarrier()
    {
        var items = Enumerable.Range(0, 500).Select(i => i == 400 ? (object)"scalar" : new { n = i });
        var g = FromList(items) | Sort("n") | ToList("n");

        var ex = await g.RunFailingAsync<OpException>(new RunOptions { BoundedCapacity = 8 }, TestRuns.Token);

        Assert.Equal("FromList", ex.OpName);
        Assert.Contains("item 400", ex.Message);
    }

    [Fact]
    public void FromList_EmptyOutputKey_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentException>(() => FromList(new[] { 1 }, outputKey: ""));
    }

    [Fact]
    public async Task FromList_ContentIdx_IsTheSameAcrossRuns()
    {
        var g = FromList(new[] { new { a = 1 }, new { a = 2 } }) | OutputEntries();

        var first = await g.RunCheckedAsync(null, TestRuns.Token);
        var second = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(first.Output.Idxs, second.Output.Idxs);
        Assert.All(first.Output.Idxs, idx => Assert.Matches("^[0-9a-f]{16}$", idx));
    }

    [Fact]
    public async Task FromList_ContentIdx_IsTheSameForTheSameContentInAnotherGraph()
    {
        var one = await (FromList(new[] { new { a = 1, b = "x" } }) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);
        var other = await (FromList(new[] { new { a = 0, b = "y" }, new { a = 1, b = "x" } }) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(one.Output.Idxs[0], other.Output.Idxs[1]);
    }

    [Fact]
    public async Task FromList_ContentIdx_DiffersForDifferentContent()
    {
        var g = FromList(new[] { new { a = 1 }, new { a = 2 }, new { a = 3 } }) | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(3, result.Output.Idxs.Distinct().Count());
    }

    [Fact]
    public async Task FromList_DuplicateContents_GetNumberedSuffixesInListOrder()
    {
        var g = FromList(new[] { "x", "y", "x", "x", "y" }, outputKey: "s") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var idxs = result.Output.Idxs;
        var x = idxs[0];
        var y = idxs[1];
        Assert.NotEqual(x, y);
        Assert.Equal([x, y, x + "-2", x + "-3", y + "-2"], idxs);
        Assert.Equal(["x", "y", "x", "x", "y"], result.Entries.Select(e => e.Get<string>("s")));
    }

    [Fact]
    public async Task FromList_DuplicateContents_GetTheSameSuffixesOnEveryRun()
    {
        var g = FromList(new[] { 7, 7, 7 }, outputKey: "n") | OutputEntries();

        var first = await g.RunCheckedAsync(null, TestRuns.Token);
        var second = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(first.Output.Idxs, second.Output.Idxs);
        Assert.Equal(3, first.Output.Idxs.Distinct().Count());
    }

    [Fact]
    public async Task FromList_IdxKeyOnStringField_UsesItsValueAsIdx()
    {
        var g = FromList(new[] { new Keyed("doc-a", 1), new Keyed("doc-b", 2) }, idxKey: "Id") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["doc-a", "doc-b"], result.Output.Idxs);
        Assert.Equal("doc-a", result.Entries[0].Get<string>("Id"));
    }

    [Fact]
    public async Task FromList_IdxKeyOnNumberField_UsesTheNumberAsIdx()
    {
        var g = FromList(new[] { new NumberKeyed(10, "a"), new NumberKeyed(7, "b") }, idxKey: "Id") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["10", "7"], result.Output.Idxs);
    }

    [Fact]
    public async Task FromList_IdxKeyWithOutputKey_TakesIdxFromTheStoredScalar()
    {
        var g = FromList(new[] { "alpha", "beta" }, outputKey: "word", idxKey: "word") | ToList("word");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["alpha", "beta"], result.Output.Idxs);
    }

    [Fact]
    public async Task FromList_IdxKeyFieldMissing_FailsTheRunNamingTheFieldAndPosition()
    {
        var items = new List<Dictionary<string, object?>>
        {
            new() { ["id"] = "a" },
            new() { ["other"] = "b" },
        };
        var g = FromList(items, idxKey: "id") | OutputEntries();

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("FromList", ex.OpName);
        Assert.Contains("item 1", ex.Message);
        Assert.Contains("'id'", ex.Message);
    }

    [Fact]
    public async Task FromList_IdxKeyValueRepeated_FailsTheRunNamingTheIdx()
    {
        var g = FromList(new[] { new Keyed("a", 1), new Keyed("b", 2), new Keyed("a", 3) }, idxKey: "Id") | OutputEntries();

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("FromList", ex.OpName);
        Assert.Contains("item 2", ex.Message);
        Assert.Contains("'a'", ex.Message);
    }

    [Fact]
    public async Task FromList_LazyItems_AreEnumeratedOncePerRun()
    {
        var enumerations = 0;
        var g = FromList(Items(), outputKey: "n") | ToList("n");

        var first = await g.RunCheckedAsync(null, TestRuns.Token);
        var second = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(2, enumerations);
        Assert.Equal([0, 1, 2], first.Values<int>());
        Assert.Equal([0, 1, 2], second.Values<int>());

        IEnumerable<int> Items()
        {
            enumerations++;
            for (var i = 0; i < 3; i++)
            {
                yield return i;
            }
        }
    }

    [Fact]
    public async Task FromList_EmptyList_GivesNoEntries()
    {
        var g = FromList(Array.Empty<int>(), outputKey: "n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Empty(result.Values<int>());
        Assert.Equal(0, result.Nodes[0].Out);
    }

    [Fact]
    public async Task FromList_ManyItems_KeepsListOrderAndCounts()
    {
        var g = FromList(Enumerable.Range(0, 5000), outputKey: "n") | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { BoundedCapacity = 16 }, TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 5000), result.Values<int>());
        Assert.Equal(5000, result.Nodes[0].Out);
    }
}
