using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Graphs;

public class GraphTests
{
    [Fact]
    public void Pipe_WiresOutPort0ToInPort0_AndToStringListsOpsAndWires()
    {
        var g = FromList(new[] { 1, 2 }, outputKey: "n") | MapField((int n) => n * 2, "n", "twice") | ToList("twice");

        Assert.Equal(3, g.Nodes.Count);
        Assert.Equal(2, g.Edges.Count);
        Assert.Equal(
            """
            Graph (3 ops)
              [0] FromList(2 items -> n) -> [1]
              [1] MapField(n -> twice) -> [2]
              [2] ToList(twice)
            """.ReplaceLineEndings("\n"),
            g.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void PipeAssign_AppendsAndLeavesEarlierGraphUnchanged()
    {
        Graph g = FromList(new[] { 1 }, outputKey: "n");
        var before = g;

        g |= SetField("x", 1);
        g |= RemoveField("x");

        Assert.Single(before.Nodes);
        Assert.Equal(3, g.Nodes.Count);
        Assert.Equal("RemoveField", g.Tail!.Kind);
        Assert.Equal("FromList", g.Head!.Kind);
    }

    [Fact]
    public void Then_IsTheNamedFormOfPipe()
    {
        var a = SetField("a", 1);
        var b = SetField("b", 2);

        var g = a.Then(b);

        Assert.Equal([a, b], g.Nodes);
        Assert.Equal(new Edge(a, 0, b, 0), Assert.Single(g.Edges));
    }

    [Fact]
    public void Pipe_SameOpTwice_ThrowsNamingTheOp()
    {
        var op = SetField("a", 1);

        var ex = Assert.Throws<GraphException>(() => op | op);

        Assert.Contains("already part of this graph", ex.Message);
        Assert.Contains("SetField", ex.Message);
    }

    [Fact]
    public void Pipe_GraphMergedWithItself_Throws()
    {
        var g = SetField("a", 1) | SetField("b", 2);

        Assert.Throws<GraphException>(() => g | g);
    }

    [Fact]
    public void Pipe_AfterSink_ThrowsSayingItHasNoOutPorts()
    {
        var ex = Assert.Throws<GraphException>(() => ToList("n") | SetField("a", 1));

        Assert.Contains("no out-ports", ex.Message);
    }

    [Fact]
    public void Pipe_IntoSource_ThrowsSayingItHasNoInPorts()
    {
        var ex = Assert.Throws<GraphException>(() => SetField("a", 1) | FromList(new[] { 1 }, outputKey: "n"));

        Assert.Contains("no in-ports", ex.Message);
    }

    [Fact]
    public void Wire_PortAlreadyUsed_Throws()
    {
        var source = FromList(new[] { 1 }, outputKey: "n");
        var first = SetField("a", 1);
        var second = SetField("b", 2);
        var g = source | first;

        var ex = Assert.Throws<GraphException>(() => g.Wire(source, second));

        Assert.Contains("Out-port 0", ex.Message);
        Assert.Contains("already wired", ex.Message);
    }

    [Fact]
    public void Wire_InPortAlreadyUsed_Throws()
    {
        var a = SetField("a", 1);
        var b = SetField("b", 2);
        var c = SetField("c", 3);
        var g = a | c;

        var ex = Assert.Throws<GraphException>(() => g.Wire(b, c));

        Assert.Contains("In-port 0", ex.Message);
    }

    [Fact]
    public void Wire_PortOutOfRange_ThrowsListingTheValidPorts()
    {
        var replicate = Replicate(2);
        var g = (Graph)replicate;

        var ex = Assert.Throws<GraphException>(() => g.Wire(replicate, SetField("a", 1), outPort: 2));

        Assert.Contains("no out-port 2", ex.Message);
        Assert.Contains("0..1", ex.Message);
    }

    [Fact]
    public void Wire_SecondPortOfReplicate_AppearsInToString()
    {
        var replicate = Replicate(2);
        var left = ToList("n").Named("left");
        var right = ToList("n").Named("right");

        var g = (FromList(new[] { 1 }, outputKey: "n") | replicate | left).Wire(replicate, right, outPort: 1);

        Assert.Contains("[1] Replicate(2) -> out0 -> [2].in0, out1 -> [3].in0", g.ToString());
        Assert.Contains("[3] right: ToList(n)", g.ToString());
    }

    [Fact]
    public async Task RunAsync_CycleOfWires_ThrowsBeforeAnyEntryMoves()
    {
        var pulled = 0;
        var loop1 = SetField("x", 1);
        var loop2 = SetField("y", 1);
        var g = (FromList(Items(), outputKey: "n") | SetField("a", 1)).Wire(loop1, loop2).Wire(loop2, loop1);

        var ex = await Assert.ThrowsAsync<GraphException>(() => g.RunAsync(cancellationToken: TestRuns.Token));

        Assert.Contains("cycle", ex.Message);
        Assert.Contains("SetField(x = 1)", ex.Message);
        Assert.Equal(0, pulled);

        IEnumerable<int> Items()
        {
            pulled++;
            yield return 1;
        }
    }

    [Fact]
    public void Subgraphs_NestWithPipe()
    {
        var front = FromList(new[] { 1 }, outputKey: "n") | SetField("a", 1);
        var back = SetField("b", 2) | ToList("n");

        var g = front | back;

        Assert.Equal(4, g.Nodes.Count);
        Assert.Equal(3, g.Edges.Count);
        Assert.Same(front.Head, g.Head);
        Assert.Same(back.Tail, g.Tail);
    }

    [Fact]
    public async Task RunAsync_SameGraphTwice_GivesTwoIndependentEqualRuns()
    {
        var calls = 0;
        var g = FromList(new[] { new { n = 1 }, new { n = 2 } })
            | MapField((int n) => { Interlocked.Increment(ref calls); return n + 1; }, "n")
            | ToList("n");

        var first = await g.RunCheckedAsync(cancellationToken: TestRuns.Token);
        var second = await g.RunCheckedAsync(cancellationToken: TestRuns.Token);

        Assert.Equal([2, 3], first.Values<int>());
        Assert.Equal([2, 3], second.Values<int>());
        Assert.Equal(4, calls);
    }

    [Fact]
    public void Named_MakesADistinctOpWithTheNewName()
    {
        var op = ToList("n");
        var named = op.Named("squares");

        Assert.NotSame(op, named);
        Assert.Equal("squares", named.Name);
        Assert.Equal("ToList", named.Kind);
        Assert.Equal("ToList(n)", op.ToString());
        Assert.Equal("squares: ToList(n)", named.ToString());
    }
}
