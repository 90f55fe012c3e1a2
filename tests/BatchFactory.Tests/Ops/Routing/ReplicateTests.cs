using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Routing;

public class ReplicateTests
{
    private static Graph Ids(params string[] ids) => FromList(ids, outputKey: "id", idxKey: "id");

    [Fact]
    public async Task Replicate_TwoPorts_EachGetEveryEntryInOrder()
    {
        var replicate = Replicate();
        var left = ToList("id").Named("left");
        var right = ToList("id").Named("right");
        var g = (Ids("a", "b", "c") | replicate | left).Wire(replicate, right, outPort: 1);

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["a", "b", "c"], result.OutputOf("left").Values<string>());
        Assert.Equal(["a", "b", "c"], result.OutputOf("right").Values<string>());
        Assert.Equal(["a", "b", "c"], result.OutputOf("right").Idxs);
    }

    [Fact]
    public async Task Replicate_Copies_AreDeepSoAMapFieldOnOneBranchDoesNotChangeTheOther()
    {
        var replicate = Replicate(2);
        var upper = MapField((List<string> tags) => tags.Select(t => t.ToUpperInvariant()).ToList(), "tags");
        var append = Apply(e => e.Data["tags"]!.AsArray().Add("extra"));
        var left = OutputEntries().Named("left");
        var right = OutputEntries().Named("right");
        var g = (FromList(new[] { new { id = "x", tags = new[] { "a", "b" } } }, idxKey: "id") | replicate | upper | left)
            .Wire(replicate, append, outPort: 1)
            .Wire(append, right);

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        var l = Assert.Single(result.OutputOf("left").Entries);
        var r = Assert.Single(result.OutputOf("right").Entries);
        Assert.Equal(["A", "B"], l.Get<List<string>>("tags"));
        Assert.Equal(["a", "b", "extra"], r.Get<List<string>>("tags"));
        Assert.Equal("x", l.Idx);
        Assert.Equal("x", r.Idx);
        Assert.NotSame(l.Data, r.Data);
    }

    [Fact]
    public async Task Replicate_FilterOnOneBranch_DoesNotDropFromTheOther()
    {
        var replicate = Replicate();
        var left = ToList("n").Named("left");
        var right = ToList("n").Named("right");
        var filter = Filter((int n) => n % 2 == 0, "n");
        var g = (FromList(Enumerable.Range(0, 10), outputKey: "n") | replicate | filter | left).Wire(replicate, right, outPort: 1);

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 4 }, TestRuns.Token);

        Assert.Equal([0, 2, 4, 6, 8], result.OutputOf("left").Values<int>());
        Assert.Equal(Enumerable.Range(0, 10), result.OutputOf("right").Values<int>());
    }

    [Fact]
    public async Task Replicate_ThreePorts_EachGetsEveryEntry()
    {
        var replicate = Replicate(3);
        var outs = new[] { ToList("n").Named("p0"), ToList("n").Named("p1"), ToList("n").Named("p2") };
        var g = (FromList(new[] { 1, 2 }, outputKey: "n") | replicate | outs[0])
            .Wire(replicate, outs[1], outPort: 1)
            .Wire(replicate, outs[2], outPort: 2);

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.All(new[] { "p0", "p1", "p2" }, name => Assert.Equal([1, 2], result.OutputOf(name).Values<int>()));
        Assert.Equal(2, result.Nodes[1].In);
        Assert.Equal(6, result.Nodes[1].Out);
    }

    [Fact]
    public async Task Replicate_UnwiredPort_DiscardsItsCopiesAndTheRunCompletes()
    {
        var g = FromList(new[] { 1, 2, 3 }, outputKey: "n") | Replicate(2) | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { BoundedCapacity = 1 }, TestRuns.Token);

        Assert.Equal([1, 2, 3], result.Values<int>());
    }

    [Fact]
    public async Task Replicate_ManyEntriesWithSmallCapacity_DeliversAllToBothBranches()
    {
        var replicate = Replicate();
        var left = ToList("n").Named("left");
        var right = ToList("n").Named("right");
        var g = (FromList(Enumerable.Range(0, 2000), outputKey: "n") | replicate | left).Wire(replicate, right, outPort: 1);

        var result = await g.RunCheckedAsync(new RunOptions { BoundedCapacity = 2 }, TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 2000), result.OutputOf("left").Values<int>());
        Assert.Equal(Enumerable.Range(0, 2000), result.OutputOf("right").Values<int>());
    }

    [Fact]
    public async Task Replicate_FailureOnOneBranch_FailsTheRun()
    {
        var replicate = Replicate();
        var left = ToList("n").Named("left");
        var right = ToList("n").Named("right");
        var boom = MapField((int n) => n == 2 ? throw new InvalidOperationException("boom") : n, "n");
        var g = (FromList(new[] { 1, 2, 3 }, outputKey: "n") | replicate | left)
            .Wire(replicate, boom, outPort: 1)
            .Wire(boom, right);

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("MapField", ex.OpName);
    }

    [Fact]
    public void Replicate_ZeroCopies_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Replicate(0));
    }
}
