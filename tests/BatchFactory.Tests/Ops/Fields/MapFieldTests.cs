using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Fields;

public class MapFieldTests
{
    [Fact]
    public async Task MapField_WithoutOutKey_ReplacesTheInputFieldInPlace()
    {
        var g = FromList(new[] { 1, 2, 3 }, outputKey: "n") | MapField((int n) => n * n, "n") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([1, 4, 9], result.Entries.Select(e => e.Get<int>("n")));
        Assert.All(result.Entries, e => Assert.Equal(["n"], e.Data.Select(p => p.Key)));
    }

    [Fact]
    public async Task MapField_InKeyToOutKey_KeepsTheInputAndAddsTheOutput()
    {
        var g = FromList(new[] { "ab", "cde" }, outputKey: "s") | MapField((string s) => s.Length, "s", "len") | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["ab", "cde"], result.Entries.Select(e => e.Get<string>("s")));
        Assert.Equal([2, 3], result.Entries.Select(e => e.Get<int>("len")));
    }

    [Fact]
    public async Task MapField_ChangesTypeOfTheField()
    {
        var g = FromList(new[] { 1, 2 }, outputKey: "n") | MapField((int n) => new[] { $"#{n}", $"{n}!" }, "n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([["#1", "1!"], ["#2", "2!"]], result.Values<string[]>());
    }

    [Fact]
    public async Task MapField_TwoInputs_PassesFieldsInArgumentOrder()
    {
        var g = FromList(new[] { new { a = 10, b = 3 }, new { a = 1, b = 5 } })
            | MapField((int a, int b) => a - b, ["a", "b"], "diff")
            | ToList("diff");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([7, -4], result.Values<int>());
    }

    [Fact]
    public async Task MapField_TwoInputsOfDifferentTypes_Works()
    {
        var g = FromList(new[] { new { word = "ab", times = 3 } })
            | MapField((string word, int times) => string.Concat(Enumerable.Repeat(word, times)), ["word", "times"], "out")
            | ToList("out");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["ababab"], result.Values<string>());
    }

    [Fact]
    public async Task MapField_ThreeInputs_Work()
    {
        var g = FromList(new[] { new { a = 1, b = 2, c = 3 } })
            | MapField((int a, int b, int c) => a * 100 + b * 10 + c, ["a", "b", "c"], ["abc"])
            | ToList("abc");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([123], result.Values<int>());
    }

    [Fact]
    public async Task MapField_TupleResult_IsSpreadOverOutKeys()
    {
        var g = FromList(new[] { "Hello", "yo" }, outputKey: "s")
            | MapField((string s) => (s.Length, s.ToUpperInvariant()), "s", ["len", "upper"])
            | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([5, 2], result.Entries.Select(e => e.Get<int>("len")));
        Assert.Equal(["HELLO", "YO"], result.Entries.Select(e => e.Get<string>("upper")));
        Assert.Equal(["Hello", "yo"], result.Entries.Select(e => e.Get<string>("s")));
    }

    [Fact]
    public async Task MapField_TwoInputsTupleResult_IsSpreadOverOutKeys()
    {
        var g = FromList(new[] { new { a = 7, b = 2 } })
            | MapField((int a, int b) => (a / b, a % b), ["a", "b"], ["quotient", "remainder"])
            | ToList("quotient", "remainder");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"quotient":3,"remainder":1}""", result.Values()[0]!.ToJsonString());
    }

    [Fact]
    public async Task MapField_MissingInputField_FailsWithOpExceptionNamingOpIdxAndField()
    {
        var g = FromList(new[] { new { n = 1 } }, outputKey: "wrapped") | MapField((int n) => n + 1, "n", "m") | ToList("m");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        var idx = await SingleIdx(FromList(new[] { new { n = 1 } }, outputKey: "wrapped"));
        Assert.Equal("MapField", ex.OpName);
        Assert.Equal(1, ex.Node);
        Assert.Equal(idx, ex.Idx);
        Assert.Equal("n", ex.Field);
        Assert.Contains("'n'", ex.Message);
        Assert.Contains(idx, ex.Message);
        Assert.IsType<EntryFieldException>(ex.InnerException);
    }

    [Fact]
    public async Task MapField_MissingSecondInputField_NamesThatField()
    {
        var g = FromList(new[] { new { a = 1 } }, idxKey: "a") | MapField((int a, int b) => a + b, ["a", "b"], "sum") | ToList("sum");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("MapField", ex.OpName);
        Assert.Equal("1", ex.Idx);
        Assert.Equal("b", ex.Field);
    }

    [Fact]
    public async Task MapField_FieldOfWrongType_FailsNamingFieldAndIdx()
    {
        var g = FromList(new[] { new { id = "e1", n = "not a number" } }, idxKey: "id") | MapField((int n) => n, "n") | ToList("n");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("e1", ex.Idx);
        Assert.Equal("n", ex.Field);
        Assert.Contains("Int32", ex.Message);
    }

    [Fact]
    public async Task MapField_FunctionThrows_FailsWithOpExceptionWrappingTheError()
    {
        var g = FromList(new[] { new { id = "ok", n = 1 }, new { id = "bad", n = 0 } }, idxKey: "id")
            | MapField((int n) => n == 0 ? throw new InvalidOperationException("boom") : n, "n")
            | ToList("n");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("MapField", ex.OpName);
        Assert.Equal("bad", ex.Idx);
        Assert.Null(ex.Field);
        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(ex.InnerException).Message);
    }

    [Fact]
    public async Task MapField_NamedOp_ReportsItsNameInFailures()
    {
        var g = FromList(new[] { 1 }, outputKey: "n") | MapField((int n) => n, "missing").Named("square") | ToList("n");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("square", ex.OpName);
        Assert.Contains("'square'", ex.Message);
    }

    [Fact]
    public void MapField_TwoArgumentFunctionWithOneInKey_ThrowsArgumentExceptionWhenMade()
    {
        var ex = Assert.Throws<ArgumentException>(() => MapField((int a, int b) => a + b, ["a"], "sum"));

        Assert.Contains("2 arguments", ex.Message);
        Assert.Contains("1 input keys", ex.Message);
    }

    [Fact]
    public void MapField_TwoArgumentFunctionWithThreeInKeys_ThrowsArgumentExceptionWhenMade()
    {
        Assert.Throws<ArgumentException>(() => MapField((int a, int b) => a + b, ["a", "b", "c"], ["sum"]));
    }

    [Fact]
    public void MapField_ThreeArgumentFunctionWithTwoInKeys_ThrowsArgumentExceptionWhenMade()
    {
        Assert.Throws<ArgumentException>(() => MapField((int a, int b, int c) => a + b + c, ["a", "b"], ["sum"]));
    }

    [Fact]
    public void MapField_MoreOutKeysThanTupleItems_ThrowsArgumentExceptionWhenMade()
    {
        var ex = Assert.Throws<ArgumentException>(() => MapField((int n) => (n, n + 1), "n", ["a", "b", "c"]));

        Assert.Contains("3 output keys", ex.Message);
    }

    [Fact]
    public void MapField_FewerOutKeysThanTupleItems_ThrowsArgumentExceptionWhenMade()
    {
        Assert.Throws<ArgumentException>(() => MapField((int a, int b) => (a, b, a + b), ["a", "b"], ["x", "y"]));
    }

    [Fact]
    public void MapField_SeveralOutKeysButScalarResult_ThrowsArgumentExceptionWhenMade()
    {
        var ex = Assert.Throws<ArgumentException>(() => MapField((int n) => n * 2, "n", ["a", "b"]));

        Assert.Contains("tuple", ex.Message);
    }

    [Fact]
    public void MapField_EmptyOrNoKeys_ThrowArgumentExceptionWhenMade()
    {
        Assert.Throws<ArgumentException>(() => MapField((int n) => n, ""));
        Assert.Throws<ArgumentException>(() => MapField((int n) => (n, n), "n", Array.Empty<string>()));
    }

    [Fact]
    public async Task MapField_ResultNaN_FailsTheRunNamingFieldAndIdx()
    {
        var g = FromList(new[] { new { id = "e7", x = 1.0 } }, idxKey: "id") | MapField((double x) => double.NaN, "x", "y") | ToList("y");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("MapField", ex.OpName);
        Assert.Equal("e7", ex.Idx);
        Assert.Equal("y", ex.Field);
        Assert.Contains("'y'", ex.Message);
        Assert.Contains("'e7'", ex.Message);
    }

    [Fact]
    public async Task MapField_TupleItemNaN_FailsTheRunNamingThatField()
    {
        var g = FromList(new[] { new { id = "e8", x = 1.0 } }, idxKey: "id")
            | MapField((double x) => (x, double.PositiveInfinity), "x", ["ok", "bad"])
            | ToList("ok");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("e8", ex.Idx);
        Assert.Equal("bad", ex.Field);
    }

    [Fact]
    public async Task MapField_RunsOncePerEntry_WithParallelism()
    {
        var calls = 0;
        var g = FromList(Enumerable.Range(0, 200), outputKey: "n")
            | MapField((int n) => { Interlocked.Increment(ref calls); return n * 2; }, "n")
            | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 8 }, TestRuns.Token);

        Assert.Equal(200, calls);
        Assert.Equal(Enumerable.Range(0, 200).Select(n => n * 2), result.Values<int>());
    }

    [Fact]
    public async Task MapField_Stats_CountEveryEntryInAndOut()
    {
        var g = FromList(new[] { 1, 2, 3 }, outputKey: "n") | MapField((int n) => n, "n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(new OpStats(1, "MapField", "MapField(n -> n)", 3, 3, 0), result.Nodes[1]);
    }

    [Fact]
    public async Task MapField_FreshJsonNodeResult_IsStoredAsIs()
    {
        var g = FromList(new[] { 1, 2 }, outputKey: "n")
            | MapField((int n) => new JsonObject { ["n"] = n, ["tags"] = new JsonArray() }, "n", "obj")
            | Apply(e => e.Data["obj"]!["tags"]!.AsArray().Add(e.Get<int>("n")))
            | ToList("obj");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["""{"n":1,"tags":[1]}""", """{"n":2,"tags":[2]}"""], result.Values().Select(v => v!.ToJsonString()));
    }

    [Fact]
    public async Task MapField_SharedJsonNodeResult_IsCopiedSoRunsDoNotLeakIntoEachOther()
    {
        var template = new JsonObject { ["tags"] = new JsonArray() };
        var g = FromList(new[] { 1 }, outputKey: "n")
            | MapField((int n) => template, "n", "obj")
            | Apply(e => e.Data["obj"]!["tags"]!.AsArray().Add(e.Get<int>("n")))
            | ToList("obj");

        var first = await g.RunCheckedAsync(null, TestRuns.Token);
        var firstJson = first.Values()[0]!.ToJsonString();
        var second = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"tags":[1]}""", firstJson);
        Assert.Equal("""{"tags":[1]}""", second.Values()[0]!.ToJsonString());
        Assert.Equal("""{"tags":[1]}""", first.Values()[0]!.ToJsonString());
        Assert.Equal("""{"tags":[]}""", template.ToJsonString());
    }

    [Fact]
    public async Task MapField_TupleResultToOneOutKey_IsNotSilentlyLost()
    {
        var g = FromList(new[] { "ab" }, outputKey: "s") | MapField((string s) => (s.Length, s), "s", "pair") | ToList("pair");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal((2, "ab"), Assert.Single(result.Values<(int, string)>()));
    }

    [Fact]
    public async Task MapField_NineTupleResult_IsSpreadOverNineOutKeys()
    {
        string[] keys = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        var g = FromList(new[] { 1 }, outputKey: "n")
            | MapField((int n) => (n, n + 1, n + 2, n + 3, n + 4, n + 5, n + 6, n + 7, n + 8), "n", keys)
            | ToList(keys);

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}""", result.Values()[0]!.ToJsonString());
    }

    [Fact]
    public async Task MapField_EightTupleResult_IsSpreadOverEightOutKeys()
    {
        string[] keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
        var g = FromList(new[] { 1 }, outputKey: "n")
            | MapField((int n) => (n, n + 1, n + 2, n + 3, n + 4, n + 5, n + 6, n + 7), "n", keys)
            | ToList(keys);

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8}""", result.Values()[0]!.ToJsonString());
    }

    private static async Task<string> SingleIdx(Graph source)
    {
        var result = await (source | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);
        return Assert.Single(result.Output.Idxs);
    }
}
