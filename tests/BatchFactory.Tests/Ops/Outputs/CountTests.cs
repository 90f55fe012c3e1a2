using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Outputs;

public class CountTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Count_HundredThousandEntries_CountsEveryOne(bool fuse)
    {
        var g = FromList(Enumerable.Range(0, 100_000), outputKey: "n") | MapField((int n) => n + 1, "n") | Count();

        var result = await g.RunCheckedAsync(new RunOptions { FuseEntryOps = fuse }, TestRuns.Token);

        Assert.Equal(100_000, result.Count);
        Assert.Equal(100_000, result.Output.Count);
    }

    [Fact]
    public async Task Count_AfterFilter_CountsOnlyTheKeptEntries()
    {
        var g = FromList(Enumerable.Range(0, 100_000), outputKey: "n") | Filter((int n) => n % 3 == 0, "n") | Count();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(33_334, result.Count);
    }

    [Fact]
    public async Task Count_InsideIfBranch_CountsTheBranchByName_AndTheRestFlowsOn()
    {
        var small = Replicate();
        var branch = ((Graph)small).Wire(small, Count().Named("small"), outPort: 1);
        var g = FromList(Enumerable.Range(0, 10), outputKey: "n") | If((int n) => n < 4, "n", branch) | Count().Named("all");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(4, result.CountOf("small"));
        Assert.Equal(10, result.CountOf("all"));
    }

    [Fact]
    public async Task Count_ValuesOrEntries_ThrowSayingItKeepsOnlyTheNumber()
    {
        var result = await (FromList([1, 2], outputKey: "n") | Count()).RunCheckedAsync(null, TestRuns.Token);

        var ex = Assert.Throws<InvalidOperationException>(() => result.Values<int>());
        Assert.Contains("keeps only the number", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => result.Entries);
        Assert.Equal(2, result.Count);
    }

    [Fact]
    public async Task Count_OfToList_IsTheNumberOfValuesCollected()
    {
        var result = await (FromList([1, 2, 3], outputKey: "n") | ToList("n")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(3, result.Count);
    }

    [Fact]
    public async Task Count_EmptyInput_IsZero()
    {
        var result = await (FromList(Array.Empty<int>(), outputKey: "n") | Count()).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(0, result.Count);
    }
}
