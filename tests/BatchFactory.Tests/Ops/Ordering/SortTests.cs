using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Ordering;

public class SortTests
{
    private sealed record Row(string Id, string Group, int Score);

    private static readonly Row[] Rows =
    [
        new("r1", "b", 3),
        new("r2", "a", 5),
        new("r3", "b", 1),
        new("r4", "a", 5),
        new("r5", "c", 2),
        new("r6", "a", 1),
    ];

    [Fact]
    public async Task Sort_Ascending_OrdersByTheField()
    {
        var g = FromList(new[] { 5, 3, 9, 1, 7 }, outputKey: "n") | Sort("n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([1, 3, 5, 7, 9], result.Values<int>());
    }

    [Fact]
    public async Task Sort_Descending_OrdersLargestFirst()
    {
        var g = FromList(new[] { 5, 3, 9, 1, 7 }, outputKey: "n") | Sort("n", descending: true) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([9, 7, 5, 3, 1], result.Values<int>());
    }

    [Fact]
    public async Task Sort_Numbers_CompareByValueNotText()
    {
        var g = FromList(new[] { 10, 9, 100, -2, 2.5 }, outputKey: "n") | Sort("n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([-2, 2.5, 9, 10, 100], result.Values<double>());
    }

    [Fact]
    public async Task Sort_Strings_CompareOrdinally()
    {
        var g = FromList(new[] { "banana", "Apple", "apple", "Banana", "" }, outputKey: "s") | Sort("s") | ToList("s");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["", "Apple", "Banana", "apple", "banana"], result.Values<string>());
    }

    [Fact]
    public async Task Sort_MultipleKeys_FirstKeyIsMostSignificant()
    {
        var g = FromList(Rows, idxKey: "Id") | Sort(["Group", "Score"]) | ToList("Id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["r6", "r2", "r4", "r3", "r1", "r5"], result.Values<string>());
    }

    [Fact]
    public async Task Sort_MultipleKeysDescending_ReversesEveryKeyButKeepsTiesInSourceOrder()
    {
        var g = FromList(Rows, idxKey: "Id") | Sort(["Group", "Score"], descending: true) | ToList("Id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["r5", "r1", "r3", "r2", "r4", "r6"], result.Values<string>());
    }

    [Fact]
    public async Task Sort_Ties_KeepSourceOrder()
    {
        var g = FromList(Rows, idxKey: "Id") | Sort("Score") | ToList("Id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["r3", "r6", "r5", "r1", "r2", "r4"], result.Values<string>());
    }

    [Fact]
    public async Task Sort_TiesDescending_KeepSourceOrder()
    {
        var g = FromList(Rows, idxKey: "Id") | Sort("Score", descending: true) | ToList("Id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["r2", "r4", "r1", "r5", "r3", "r6"], result.Values<string>());
    }

    [Fact]
    public async Task Sort_Ties_KeepSourceOrderWhateverTheParallelismUpstream()
    {
        var items = Enumerable.Range(0, 300).Select(i => new { id = $"e{i:D3}", bucket = i % 3 }).ToArray();
        var expected = items.OrderBy(i => i.bucket).Select(i => i.id).ToList();
        var g = FromList(items, idxKey: "id")
            | MapField((int b) => { Thread.SpinWait(Random.Shared.Next(2000)); return b; }, "bucket")
            | Sort("bucket")
            | ToList("id");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 8 }, TestRuns.Token);

        Assert.Equal(expected, result.Values<string>());
    }

    [Fact]
    public async Task Sort_MixedJsonKinds_OrderNullThenBoolThenNumberThenString()
    {
        var items = new[]
        {
            new JsonObject { ["id"] = "str", ["v"] = "a" },
            new JsonObject { ["id"] = "num-big", ["v"] = 10 },
            new JsonObject { ["id"] = "true", ["v"] = true },
            new JsonObject { ["id"] = "null", ["v"] = null },
            new JsonObject { ["id"] = "num-neg", ["v"] = -5 },
            new JsonObject { ["id"] = "false", ["v"] = false },
            new JsonObject { ["id"] = "str-digit", ["v"] = "1" },
        };
        var g = FromList(items, idxKey: "id") | Sort("v") | ToList("id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["null", "false", "true", "num-neg", "num-big", "str-digit", "str"], result.Values<string>());
    }

    [Fact]
    public async Task Sort_ListsAndObjects_SortAfterStrings()
    {
        var items = new[]
        {
            new JsonObject { ["id"] = "obj", ["v"] = new JsonObject { ["a"] = 1 } },
            new JsonObject { ["id"] = "list", ["v"] = new JsonArray(1) },
            new JsonObject { ["id"] = "str", ["v"] = "zzz" },
        };
        var g = FromList(items, idxKey: "id") | Sort("v") | ToList("id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["str", "list", "obj"], result.Values<string>());
    }

    [Fact]
    public async Task Sort_MissingField_FailsWithOpExceptionNamingField()
    {
        var items = new[]
        {
            new JsonObject { ["id"] = "has", ["v"] = 1 },
            new JsonObject { ["id"] = "lacks" },
        };
        var g = FromList(items, idxKey: "id") | Sort("v") | ToList("id");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("Sort", ex.OpName);
        Assert.Equal("v", ex.Field);
        Assert.Equal("lacks", ex.Idx);
        Assert.Contains("'v'", ex.Message);
    }

    [Fact]
    public async Task Sort_SecondKeyMissing_FailsNamingThatField()
    {
        var g = FromList(Rows, idxKey: "Id") | Sort(["Group", "Rank"]) | ToList("Id");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("Rank", ex.Field);
    }

    [Fact]
    public async Task Sort_ThenTakeFirstN_TakesTheSmallest()
    {
        var g = FromList(new[] { 50, 10, 40, 20, 30 }, outputKey: "n") | Sort("n") | TakeFirstN(2) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([10, 20], result.Values<int>());
    }

    [Fact]
    public async Task Sort_Stats_CountEveryEntryInAndOut()
    {
        var g = FromList(new[] { 3, 2, 1 }, outputKey: "n") | Sort("n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(3, result.Nodes[1].In);
        Assert.Equal(3, result.Nodes[1].Out);
        Assert.Equal(0, result.Nodes[1].Dropped);
    }

    [Fact]
    public void Sort_NoKeys_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentException>(() => Sort(Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => Sort(""));
    }

    [Fact]
    public async Task Sort_LargeIntegers_CompareByExactValue()
    {
        // Snowflake-style 64-bit ids differ in the low digits, which a double cannot hold.
        var items = new[] { new { id = 1_000_000_000_000_000_001L }, new { id = 1_000_000_000_000_000_000L } };
        var g = FromList(items) | Sort("id") | ToList("id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([1_000_000_000_000_000_000L, 1_000_000_000_000_000_001L], result.Values<long>());
    }

    [Fact]
    public async Task Sort_PreciseDecimals_CompareByExactValue()
    {
        var g = FromList(new[] { 0.10000000000000001m, 0.1m }, outputKey: "d") | Sort("d") | ToList("d");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([0.1m, 0.10000000000000001m], result.Values<decimal>());
    }

    [Fact]
    public async Task Sort_IntegersWithinDoublePrecision_CompareByValue()
    {
        var g = FromList(new[] { 9_007_199_254_740_992L, -9_007_199_254_740_992L, 0L }, outputKey: "n") | Sort("n") | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([-9_007_199_254_740_992L, 0L, 9_007_199_254_740_992L], result.Values<long>());
    }
}
