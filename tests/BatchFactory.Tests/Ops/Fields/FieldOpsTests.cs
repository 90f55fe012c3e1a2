using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Fields;

public class FieldOpsTests
{
    private sealed record Settings(string Model, double Temperature);

    [Fact]
    public async Task SetField_SetsTheSameValueOnEveryEntry()
    {
        var g = FromList(new[] { 1, 2, 3 }, outputKey: "n") | SetField("model", "gpt") | ToList("n", "model");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.All(result.Values(), v => Assert.Equal("gpt", v!["model"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3], result.Values().Select(v => v!["n"]!.GetValue<int>()));
    }

    [Fact]
    public async Task SetField_ReplacesAnExistingField()
    {
        var g = FromList(new[] { new { n = 1, label = "old" } }) | SetField("label", "new") | ToList("label");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["new"], result.Values<string>());
    }

    [Fact]
    public async Task SetField_Null_StoresAPresentNullField()
    {
        var g = FromList(new[] { 1 }, outputKey: "n") | SetField("note", null) | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var entry = Assert.Single(result.Entries);
        Assert.True(entry.Has("note"));
        Assert.Null(entry.Data["note"]);
    }

    [Fact]
    public async Task SetField_ListValue_IsCopiedPerEntrySoChangingOneDoesNotAffectAnother()
    {
        var g = FromList(new[] { "a", "b", "c" }, outputKey: "id", idxKey: "id")
            | SetField("tags", new List<string> { "base" })
            | Apply(e =>
            {
                if (e.Idx == "a")
                {
                    e.Data["tags"]!.AsArray().Add("only-a");
                }
            })
            | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var tags = result.Entries.ToDictionary(e => e.Idx, e => e.Get<List<string>>("tags"));
        Assert.Equal(["base", "only-a"], tags["a"]);
        Assert.Equal(["base"], tags["b"]);
        Assert.Equal(["base"], tags["c"]);
    }

    [Fact]
    public async Task SetField_ListValue_IsNotSharedBetweenRuns()
    {
        var g = FromList(new[] { 1 }, outputKey: "n")
            | SetField("tags", new List<string> { "base" })
            | Apply(e => e.Data["tags"]!.AsArray().Add("more"))
            | ToList("tags");

        var first = await g.RunCheckedAsync(null, TestRuns.Token);
        var second = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["base", "more"], first.Values<List<string>>()[0]);
        Assert.Equal(["base", "more"], second.Values<List<string>>()[0]);
    }

    [Fact]
    public async Task SetField_JsonNodeValue_IsCopiedAndTheCallersNodeIsLeftAlone()
    {
        var value = new JsonObject { ["k"] = 1 };
        var g = FromList(new[] { 1, 2 }, outputKey: "n")
            | SetField("obj", value)
            | Apply(e => e.Data["obj"]!["k"] = e.Get<int>("n") * 10)
            | ToList("obj");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["""{"k":10}""", """{"k":20}"""], result.Values().Select(v => v!.ToJsonString()));
        Assert.Equal("""{"k":1}""", value.ToJsonString());
    }

    [Fact]
    public async Task SetField_JsonNodeValueChangedAfterTheOpIsMade_DoesNotChangeTheOp()
    {
        var value = new JsonObject { ["k"] = 1 };
        var op = SetField("obj", value);
        value["k"] = 2;
        var g = FromList(new[] { 1 }, outputKey: "n") | op | ToList("obj");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"k":1}""", result.Values()[0]!.ToJsonString());
    }

    [Fact]
    public async Task SetField_ListChangedAfterTheOpIsMade_DoesNotChangeTheOp()
    {
        var value = new List<string> { "a" };
        var op = SetField("tags", value);
        value.Add("b");
        var g = FromList(new[] { 1 }, outputKey: "n") | op | ToList("tags");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["a"], result.Values<List<string>>()[0]);
    }

    [Fact]
    public async Task SetField_RecordValue_IsStoredAsAnObject()
    {
        var g = FromList(new[] { 1 }, outputKey: "n") | SetField("settings", new Settings("m1", 0.5)) | ToList("settings");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(new Settings("m1", 0.5), Assert.Single(result.Values<Settings>()));
    }

    [Fact]
    public async Task SetField_Dictionary_SetsSeveralFields()
    {
        var g = FromList(new[] { 1 }, outputKey: "n")
            | SetField(new Dictionary<string, object?> { ["a"] = 1, ["b"] = "two", ["c"] = true })
            | ToList("a", "b", "c");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"a":1,"b":"two","c":true}""", result.Values()[0]!.ToJsonString());
    }

    [Fact]
    public void SetField_ValueThatIsNotJson_ThrowsWhenMadeNamingTheField()
    {
        var ex = Assert.Throws<ArgumentException>(() => SetField("score", double.NaN));

        Assert.Contains("'score'", ex.Message);
    }

    [Fact]
    public void SetField_NoFields_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentException>(() => SetField(new Dictionary<string, object?>()));
    }

    [Fact]
    public async Task RenameField_MovesTheValueToTheNewName()
    {
        var g = FromList(new[] { new { old = 1, keep = "k" } }) | RenameField("old", "fresh") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var entry = Assert.Single(result.Entries);
        Assert.False(entry.Has("old"));
        Assert.Equal(1, entry.Get<int>("fresh"));
        Assert.Equal("k", entry.Get<string>("keep"));
    }

    [Fact]
    public async Task RenameField_ExistingTarget_IsReplaced()
    {
        var g = FromList(new[] { new { a = 1, b = 2 } }) | RenameField("a", "b") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var entry = Assert.Single(result.Entries);
        Assert.Equal(["b"], entry.Data.Select(p => p.Key));
        Assert.Equal(1, entry.Get<int>("b"));
    }

    [Fact]
    public async Task RenameField_Dictionary_AppliesRenamesInOrder()
    {
        var g = FromList(new[] { new { a = 1, b = 2 } })
            | RenameField(new Dictionary<string, string> { ["a"] = "x", ["b"] = "y" })
            | ToList("x", "y");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"x":1,"y":2}""", result.Values()[0]!.ToJsonString());
    }

    [Fact]
    public async Task RenameField_MissingSourceField_FailsNamingTheFieldAndIdx()
    {
        var g = FromList(new[] { new { id = "r1", a = 1 } }, idxKey: "id") | RenameField("nope", "x") | OutputEntries();

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("RenameField", ex.OpName);
        Assert.Equal("r1", ex.Idx);
        Assert.Equal("nope", ex.Field);
        Assert.Contains("'nope'", ex.Message);
    }

    [Fact]
    public void RenameField_EmptyName_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentException>(() => RenameField("a", ""));
    }

    [Fact]
    public async Task RemoveField_RemovesTheNamedFields()
    {
        var g = FromList(new[] { new { a = 1, b = 2, c = 3 } }) | RemoveField("a", "c") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["b"], Assert.Single(result.Entries).Data.Select(p => p.Key));
    }

    [Fact]
    public async Task RemoveField_AbsentField_IsIgnored()
    {
        var g = FromList(new[] { new { a = 1 }, new { a = 2 } }) | RemoveField("missing", "a") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(2, result.Entries.Count);
        Assert.All(result.Entries, e => Assert.Empty(e.Data));
        Assert.Equal(0, result.Nodes[1].Dropped);
    }

    [Fact]
    public void RemoveField_NoFields_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentException>(() => RemoveField());
    }

    [Fact]
    public async Task Apply_ChangesEntriesInPlace()
    {
        var g = FromList(new[] { new { first = "Ada", last = "Lovelace" } })
            | Apply(e => e.Set("full", $"{e.Get<string>("first")} {e.Get<string>("last")}").Remove("first"))
            | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var entry = Assert.Single(result.Entries);
        Assert.Equal("Ada Lovelace", entry.Get<string>("full"));
        Assert.False(entry.Has("first"));
        Assert.True(entry.Has("last"));
    }

    [Fact]
    public async Task Apply_SeesTheEntryIdx()
    {
        var g = FromList(new[] { "p", "q" }, outputKey: "id", idxKey: "id") | Apply(e => e.Set("seen", e.Idx)) | ToList("seen");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["p", "q"], result.Values<string>());
    }

    [Fact]
    public async Task Apply_ActionThrows_FailsWithOpExceptionNamingApplyAndIdx()
    {
        var g = FromList(new[] { "p", "q" }, outputKey: "id", idxKey: "id")
            | Apply(e =>
            {
                if (e.Idx == "q")
                {
                    throw new InvalidOperationException("bad q");
                }
            })
            | OutputEntries();

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("Apply", ex.OpName);
        Assert.Equal("q", ex.Idx);
        Assert.Contains("bad q", ex.Message);
    }
}
