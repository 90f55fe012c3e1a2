using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Filters;

public class FilterTests
{
    private static Graph Numbers(int count) => FromList(Enumerable.Range(0, count), outputKey: "n");

    private static Graph Ids(params string[] ids) => FromList(ids, outputKey: "id", idxKey: "id");

    [Fact]
    public async Task Filter_EntryPredicate_KeepsAcceptedEntriesInOrder()
    {
        var g = Numbers(10) | Filter(e => e.Get<int>("n") % 3 == 0) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([0, 3, 6, 9], result.Values<int>());
    }

    [Fact]
    public async Task Filter_Stats_CountInOutAndDropped()
    {
        var g = Numbers(10) | Filter(e => e.Get<int>("n") < 4) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var stats = result.Nodes[1];
        Assert.Equal("Filter", stats.Name);
        Assert.Equal(10, stats.In);
        Assert.Equal(4, stats.Out);
        Assert.Equal(6, stats.Dropped);
        Assert.Equal(4, result.Nodes[2].In);
    }

    [Fact]
    public async Task Filter_TypedOnField_KeepsEntriesWhoseValuePasses()
    {
        var g = FromList(new[] { "apple", "fig", "banana", "kiwi" }, outputKey: "word")
            | Filter((string w) => w.Length > 3, "word")
            | ToList("word");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["apple", "banana", "kiwi"], result.Values<string>());
        Assert.Equal(1, result.Nodes[1].Dropped);
    }

    [Fact]
    public async Task Filter_TypedOnMissingField_FailsNamingFieldAndIdx()
    {
        var g = Ids("a") | Filter((int n) => n > 0, "n") | ToList("id");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("Filter", ex.OpName);
        Assert.Equal("a", ex.Idx);
        Assert.Equal("n", ex.Field);
    }

    [Fact]
    public async Task Filter_RejectingEverything_GivesAnEmptyOutput()
    {
        var g = Numbers(5) | Filter(_ => false) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Empty(result.Values<int>());
        Assert.Equal(5, result.Nodes[1].Dropped);
    }

    [Fact]
    public async Task Filter_WithParallelism_KeepsSourceOrder()
    {
        var g = Numbers(500) | Filter(e => e.Get<int>("n") % 2 == 1) | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 8 }, TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 500).Where(n => n % 2 == 1), result.Values<int>());
    }

    [Fact]
    public async Task Filter_PredicateThrows_FailsWithOpException()
    {
        var g = Ids("a", "b") | Filter(e => e.Idx == "b" ? throw new FormatException("nope") : true) | ToList("id");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("b", ex.Idx);
        Assert.IsType<FormatException>(ex.InnerException);
    }

    [Fact]
    public async Task FilterMissingFields_DropsEntriesLackingAnyField_AndKeepsNullFields()
    {
        var items = new[]
        {
            new JsonObject { ["id"] = "full", ["a"] = 1, ["b"] = 2 },
            new JsonObject { ["id"] = "no-b", ["a"] = 1 },
            new JsonObject { ["id"] = "null-b", ["a"] = 1, ["b"] = null },
            new JsonObject { ["id"] = "none" },
        };
        var g = FromList(items, idxKey: "id") | FilterMissingFields("a", "b") | ToList("id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["full", "null-b"], result.Values<string>());
        Assert.Equal(2, result.Nodes[1].Dropped);
        Assert.Equal(2, result.Nodes[1].Out);
    }

    [Fact]
    public void FilterMissingFields_NoFields_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentException>(() => FilterMissingFields());
    }

    [Fact]
    public async Task IncludeIdx_KeepsOnlyListedIdx_InStreamOrder()
    {
        var g = Ids("a", "b", "c", "d") | IncludeIdx(["d", "b", "zzz"]) | ToList("id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["b", "d"], result.Values<string>());
        Assert.Equal(2, result.Nodes[1].Dropped);
    }

    [Fact]
    public async Task IncludeIdx_IsCaseSensitive()
    {
        var g = Ids("a", "A") | IncludeIdx(["a"]) | ToList("id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["a"], result.Values<string>());
    }

    [Fact]
    public async Task IncludeIdx_EmptyList_KeepsNone()
    {
        var g = Ids("a", "b") | IncludeIdx([]) | ToList("id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Empty(result.Values<string>());
    }

    [Fact]
    public async Task ExcludeIdx_DropsListedIdx()
    {
        var g = Ids("a", "b", "c", "d") | ExcludeIdx(["a", "c", "zzz"]) | ToList("id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["b", "d"], result.Values<string>());
        Assert.Equal(2, result.Nodes[1].Dropped);
        Assert.Equal("ExcludeIdx", result.Nodes[1].Name);
    }

    [Fact]
    public async Task ExcludeIdx_EmptyList_KeepsAll()
    {
        var g = Ids("a", "b") | ExcludeIdx([]) | ToList("id");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["a", "b"], result.Values<string>());
    }

    [Fact]
    public async Task SampleProportion_SameSeed_KeepsTheSameIdxAcrossRuns()
    {
        var g = Numbers(1000) | SampleProportion(0.5, seed: 42) | OutputEntries();

        var first = await g.RunCheckedAsync(null, TestRuns.Token);
        var second = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 4 }, TestRuns.Token);

        Assert.NotEmpty(first.Output.Idxs);
        Assert.Equal(first.Output.Idxs, second.Output.Idxs);
    }

    [Fact]
    public async Task SampleProportion_SameSeedInAnotherGraph_KeepsTheSameEntries()
    {
        var first = await (Numbers(1000) | SampleProportion(0.3, seed: 7) | ToList("n")).RunCheckedAsync(null, TestRuns.Token);
        var second = await (Numbers(1000) | SampleProportion(0.3, seed: 7) | ToList("n")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(first.Values<int>(), second.Values<int>());
    }

    [Fact]
    public async Task SampleProportion_DifferentSeeds_KeepDifferentEntries()
    {
        var a = await (Numbers(1000) | SampleProportion(0.5, seed: 1) | ToList("n")).RunCheckedAsync(null, TestRuns.Token);
        var b = await (Numbers(1000) | SampleProportion(0.5, seed: 2) | ToList("n")).RunCheckedAsync(null, TestRuns.Token);

        Assert.NotEqual(a.Values<int>(), b.Values<int>());
        var overlap = a.Values<int>().Intersect(b.Values<int>()).Count();
        Assert.InRange(overlap, 150, 350);
    }

    [Theory]
    [InlineData(0.3, 0L)]
    [InlineData(0.3, 12345L)]
    [InlineData(0.1, 3L)]
    [InlineData(0.75, 99L)]
    public async Task SampleProportion_OnTenThousandEntries_RoughlyHonoursTheProportion(double proportion, long seed)
    {
        var g = Numbers(10_000) | SampleProportion(proportion, seed) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var kept = result.Values<int>().Count / 10_000.0;
        Assert.InRange(kept, proportion - 0.03, proportion + 0.03);
        Assert.Equal(10_000, result.Nodes[1].In);
        Assert.Equal(10_000, result.Nodes[1].Out + result.Nodes[1].Dropped);
    }

    [Fact]
    public async Task SampleProportion_KeptEntries_StayInSourceOrder()
    {
        var g = Numbers(1000) | SampleProportion(0.5) | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 4 }, TestRuns.Token);

        var kept = result.Values<int>();
        Assert.Equal(kept.Order(), kept);
    }

    [Fact]
    public async Task SampleProportion_Zero_KeepsNone()
    {
        var g = Numbers(1000) | SampleProportion(0) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Empty(result.Values<int>());
        Assert.Equal(1000, result.Nodes[1].Dropped);
    }

    [Fact]
    public async Task SampleProportion_One_KeepsAll()
    {
        var g = Numbers(1000) | SampleProportion(1, seed: 5) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 1000), result.Values<int>());
        Assert.Equal(0, result.Nodes[1].Dropped);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void SampleProportion_OutOfRange_ThrowsWhenMade(double proportion)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleProportion(proportion));
    }
}
