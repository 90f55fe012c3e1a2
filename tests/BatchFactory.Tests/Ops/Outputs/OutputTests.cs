using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Outputs;

public class OutputTests
{
    private sealed record WordCount(string word, int count);

    private sealed record Pair(string Word, int Count);

    [Fact]
    public async Task ToList_OneKey_GivesThatFieldsValuePerEntry()
    {
        var g = FromList(new[] { new { word = "a", count = 1 }, new { word = "b", count = 2 } }) | ToList("word");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["a", "b"], result.Values<string>());
        Assert.Equal(["word"], result.Output.Keys);
        Assert.Equal(2, result.Output.Count);
    }

    [Fact]
    public async Task ToList_SeveralKeys_GivesAnObjectOfThoseFieldsPerEntry()
    {
        var g = FromList(new[] { new { word = "a", count = 1, extra = true }, new { word = "b", count = 2, extra = false } })
            | ToList("count", "word");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["""{"count":1,"word":"a"}""", """{"count":2,"word":"b"}"""], result.Values().Select(v => v!.ToJsonString()));
        Assert.Equal(["count", "word"], result.Output.Keys);
    }

    [Fact]
    public async Task ToList_SeveralKeys_ValuesConvertToARecord()
    {
        var g = FromList(new[] { new { word = "a", count = 1 }, new { word = "b", count = 2 } }) | ToList("word", "count");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([new WordCount("a", 1), new WordCount("b", 2)], result.Values<WordCount>());
    }

    [Fact]
    public async Task ToList_SeveralKeysAfterRename_ValuesConvertToARecordWithDeclaredNames()
    {
        var g = FromList(new[] { new { w = "a", c = 1 } })
            | RenameField(new Dictionary<string, string> { ["w"] = "Word", ["c"] = "Count" })
            | ToList("Word", "Count");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(new Pair("a", 1), Assert.Single(result.Values<Pair>()));
    }

    [Fact]
    public async Task ToList_MissingField_FailsNamingFieldAndIdx()
    {
        var g = FromList(new[] { new { id = "t1", a = 1 } }, idxKey: "id") | ToList("a", "b");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("ToList", ex.OpName);
        Assert.Equal("t1", ex.Idx);
        Assert.Equal("b", ex.Field);
    }

    [Fact]
    public async Task ToList_RepeatedKey_IsRejectedWhenMadeOrCollected()
    {
        Op toList;
        try
        {
            toList = ToList("n", "n");
        }
        catch (ArgumentException)
        {
            return;
        }

        var result = await (FromList(new[] { 1 }, outputKey: "n") | toList).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"n":1}""", result.Values()[0]!.ToJsonString());
    }

    [Fact]
    public async Task ToList_ValuesOfEveryJsonKind_ComeBackExactlyAsTheyWere_WithTheirIdxs()
    {
        var values = new JsonNode?[]
        {
            "plain", "naïve café ✓ 日本", "quote \" and \\ backslash", 0, -17, 1234567890123, 2.5, 1e-7, true, false, null,
            new JsonArray(1, "two", null), new JsonObject { ["nested"] = new JsonObject { ["deep"] = new JsonArray() } },
        };
        var g = FromList(values.Select((v, i) => new JsonObject { ["id"] = $"e{i}", ["v"] = v?.DeepClone() }), idxKey: "id") | ToList("v");

        var output = (await g.RunCheckedAsync(null, TestRuns.Token)).Output;

        Assert.Equal(values.Select(v => v?.ToJsonString() ?? "null"), output.Values().Select(v => v?.ToJsonString() ?? "null"));
        Assert.Equal(values.Select((_, i) => $"e{i}"), output.Idxs);
        Assert.Equal("naïve café ✓ 日本", output.Values()[1]!.GetValue<string>());
    }

    [Fact]
    public async Task ToList_EntriesArrivingOutOfOrder_ComeOutInSourceOrder_WithIdxsAlongside()
    {
        var g = FromList(Enumerable.Range(0, 500).Select(i => new { id = $"e{i}", n = i }), idxKey: "id")
            | Apply(e => Thread.SpinWait(Random.Shared.Next(0, 2000)))
            | ToList("n");

        var output = (await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 4, FuseEntryOps = false }, TestRuns.Token)).Output;

        Assert.Equal(Enumerable.Range(0, 500), output.Values<int>());
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"e{i}"), output.Idxs);
    }

    [Fact]
    public async Task ToList_NullField_IsCollectedAsNull()
    {
        var g = FromList(new[] { new JsonObject { ["v"] = null }, new JsonObject { ["v"] = "x" } }) | ToList("v");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([null, "x"], result.Values<string?>());
    }

    [Fact]
    public void ToList_NoKeys_ThrowsWhenMadePointingToOutputEntries()
    {
        var ex = Assert.Throws<ArgumentException>(() => ToList());

        Assert.Contains("OutputEntries", ex.Message);
    }

    [Fact]
    public async Task ToList_Entries_ThrowsInvalidOperationException()
    {
        var g = FromList(new[] { 1 }, outputKey: "n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var ex = Assert.Throws<InvalidOperationException>(() => result.Entries);
        Assert.Contains("OutputEntries", ex.Message);
        Assert.Throws<InvalidOperationException>(() => result.Output.Entries);
    }

    [Fact]
    public async Task ToList_ValuesOfWrongType_ThrowNamingTheIdx()
    {
        var g = FromList(new[] { "x" }, outputKey: "s", idxKey: "s") | ToList("s");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var ex = Assert.Throws<InvalidCastException>(() => result.Values<int>());
        Assert.Contains("'x'", ex.Message);
    }

    [Fact]
    public async Task OutputEntries_KeepsWholeEntriesInStreamOrder()
    {
        var g = FromList(new[] { "a", "b", "c" }, outputKey: "id", idxKey: "id") | SetField("flag", 1) | OutputEntries();

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 4 }, TestRuns.Token);

        Assert.Equal(["a", "b", "c"], result.Entries.Select(e => e.Idx));
        Assert.All(result.Entries, e => Assert.Equal(1, e.Get<int>("flag")));
        Assert.Empty(result.Output.Keys);
    }

    [Fact]
    public async Task OutputEntries_ValuesAreTheEntriesData()
    {
        var g = FromList(new[] { new Pair("w", 3) }) | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"Word":"w","Count":3}""", Assert.Single(result.Values())!.ToJsonString());
        Assert.Equal(new Pair("w", 3), Assert.Single(result.Values<Pair>()));
    }

    [Fact]
    public async Task Output_WithTwoOutputOps_ThrowsListingThem()
    {
        var replicate = Replicate();
        var g = (FromList(new[] { 1 }, outputKey: "n") | replicate | ToList("n").Named("left")).Wire(replicate, OutputEntries().Named("right"), outPort: 1);

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var ex = Assert.Throws<InvalidOperationException>(() => result.Output);
        Assert.Contains("'left'", ex.Message);
        Assert.Contains("'right'", ex.Message);
        Assert.Contains("OutputOf", ex.Message);
        Assert.Throws<InvalidOperationException>(() => result.Values<int>());
        Assert.Equal(2, result.Outputs.Count);
    }

    [Fact]
    public async Task Output_WithNoOutputOp_ThrowsSayingHowToCollect()
    {
        var g = FromList(new[] { 1 }, outputKey: "n") | SetField("x", 1);

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var ex = Assert.Throws<InvalidOperationException>(() => result.Output);
        Assert.Contains("ToList", ex.Message);
        Assert.Empty(result.Outputs);
    }

    [Fact]
    public async Task OutputOf_PicksTheOutputByName()
    {
        var replicate = Replicate();
        var g = (FromList(new[] { 1, 2 }, outputKey: "n") | replicate | ToList("n").Named("numbers"))
            .Wire(replicate, OutputEntries().Named("entries"), outPort: 1);

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([1, 2], result.OutputOf("numbers").Values<int>());
        Assert.Equal([1, 2], result.OutputOf("entries").Entries.Select(e => e.Get<int>("n")));
        Assert.Equal("numbers", result.OutputOf("numbers").OpName);
    }

    [Fact]
    public async Task OutputOf_UnknownName_ThrowsListingTheOutputs()
    {
        var g = FromList(new[] { 1 }, outputKey: "n") | ToList("n").Named("numbers");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var ex = Assert.Throws<KeyNotFoundException>(() => result.OutputOf("nope"));
        Assert.Contains("'nope'", ex.Message);
        Assert.Contains("'numbers'", ex.Message);
    }

    [Fact]
    public async Task OutputOf_TwoOutputsWithTheSameName_Throws()
    {
        var replicate = Replicate();
        var g = (FromList(new[] { 1 }, outputKey: "n") | replicate | ToList("n")).Wire(replicate, ToList("n"), outPort: 1);

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var ex = Assert.Throws<KeyNotFoundException>(() => result.OutputOf("ToList"));
        Assert.Contains("Named", ex.Message);
    }

    [Fact]
    public async Task Output_EmptyStream_GivesAnEmptyOutput()
    {
        var g = FromList(new[] { 1, 2 }, outputKey: "n") | Filter(_ => false) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Empty(result.Values<int>());
        Assert.Equal(0, result.Output.Count);
    }

    [Fact]
    public async Task Values_FromTheResult_MatchTheOnlyOutput()
    {
        var g = FromList(new[] { 4, 5 }, outputKey: "n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(result.Output.Values<int>(), result.Values<int>());
        Assert.Equal([4, 5], result.Values().Select(v => v!.GetValue<int>()));
    }
}
