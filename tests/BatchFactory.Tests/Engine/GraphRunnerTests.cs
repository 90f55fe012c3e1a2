using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Engine;

public class GraphRunnerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_UserFunctionThrows_FailsWithOpNameNodeAndIdxAndOriginalError()
    {
        var rows = Enumerable.Range(0, 500).Select(i => new { id = $"row{i}", n = i });
        var g = FromList(rows, idxKey: "id")
            | SetField("a", 1)
            | MapField((int n) => n == 123 ? throw new InvalidOperationException("bad row") : n, "n");

        var ex = await g.RunFailingAsync<OpException>(cancellationToken: TestRuns.Token);

        Assert.Equal("MapField", ex.OpName);
        Assert.Equal(2, ex.Node);
        Assert.Equal("row123", ex.Idx);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Contains("'row123'", ex.Message);
        Assert.Contains("bad row", ex.Message);
    }

    [Fact]
    public async Task RunAsync_FailureUpstreamOfABarrier_StopsTheWholeRunCleanly()
    {
        var g = FromList(Enumerable.Range(0, 5000), outputKey: "n")
            | Apply(e => { if (e.Get<int>("n") == 4000) { throw new FormatException("nope"); } })
            | Sort("n")
            | Replicate(2)
            | ToList("n");

        var ex = await g.RunFailingAsync<OpException>(new RunOptions { BoundedCapacity = 8 }, TestRuns.Token);

        Assert.Equal("Apply", ex.OpName);
        Assert.IsType<FormatException>(ex.InnerException);
    }

    [Fact]
    public async Task RunAsync_FailureWhileSourceIsBlockedByBackpressure_DoesNotHang()
    {
        var g = FromList(Endless(), outputKey: "n")
            | MapField((int n) => n < 50 ? n : throw new ArithmeticException("stop"), "n")
            | ToList("n");

        var ex = await g.RunFailingAsync<OpException>(new RunOptions { BoundedCapacity = 2 }, TestRuns.Token);

        Assert.IsType<ArithmeticException>(ex.InnerException);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsOperationCanceledAndEveryBlockCompletes()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        var seen = 0;
        var g = FromList(Endless(), outputKey: "n")
            | Apply(_ =>
            {
                if (Interlocked.Increment(ref seen) == 100)
                {
                    cts.Cancel();
                }
            })
            | ToList("n");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => g.RunCheckedAsync(cancellationToken: cts.Token));

        Assert.True(seen >= 100);
    }

    [Fact]
    public async Task RunAsync_TokenAlreadyCancelled_ThrowsWithoutPullingFromTheSource()
    {
        var pulled = 0;
        var g = FromList(Counted(() => pulled++), outputKey: "n") | ToList("n");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => g.RunAsync(cancellationToken: new CancellationToken(canceled: true)));

        Assert.Equal(0, pulled);
    }

    [Fact]
    public async Task RunAsync_FirstEntryReachesTheLastOpBeforeTheSourceFinishes()
    {
        using var firstArrived = new ManualResetEventSlim();
        var g = FromList(WaitAfterFirst(firstArrived), outputKey: "n")
            | MapField((int n) => n + 1, "n")
            | Apply(_ => firstArrived.Set())
            | ToList("n");

        var result = await g.RunCheckedAsync(cancellationToken: TestRuns.Token);

        // The source only yields its second item after the first reached the last op; a run that
        // batched its input would not get there, and the source would report it.
        Assert.Equal([1, 2], result.Values<int>());
    }

    [Fact]
    public async Task RunAsync_SlowConsumer_SourceIsHeldBackByBoundedCapacity()
    {
        var pulled = 0;
        using var gate = new ManualResetEventSlim();
        var g = FromList(Counted(() => Interlocked.Increment(ref pulled), 1000), outputKey: "n")
            | SetField("x", 1)
            | Apply(_ => gate.Wait(Patience))
            | ToList("n");

        var run = g.RunCheckedAsync(new RunOptions { BoundedCapacity = 4 }, TestRuns.Token);
        var settled = await WaitUntilStableAsync(() => Volatile.Read(ref pulled));
        gate.Set();
        var result = await run;

        // Three ops with four places each, a source buffer and one entry per running op: far below 1000.
        Assert.InRange(settled, 1, 40);
        Assert.Equal(1000, result.Output.Count);
    }

    [Fact]
    public async Task RunAsync_MaxDegreeOfParallelism_RunsAUserFunctionOnSeveralEntriesAtOnce()
    {
        using var bothInside = new CountdownEvent(2);
        var entered = 0;
        var g = FromList(Enumerable.Range(0, 8), outputKey: "n")
            | Apply(_ =>
            {
                // Only the first two entries signal: checking IsSet first would let two threads signal the last count.
                if (Interlocked.Increment(ref entered) <= 2)
                {
                    bothInside.Signal();
                }

                // With one worker this would wait out the whole patience and fail below.
                Assert.True(bothInside.Wait(Patience), "two entries never ran at the same time");
            })
            | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 4 }, TestRuns.Token);

        Assert.Equal(Enumerable.Range(0, 8), result.Values<int>());
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 0)]
    public async Task RunAsync_InvalidOptions_ThrowBeforeAnyEntryMoves(int parallelism, int capacity)
    {
        var pulled = 0;
        var g = FromList(Counted(() => pulled++), outputKey: "n") | ToList("n");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            g.RunAsync(new RunOptions { MaxDegreeOfParallelism = parallelism, BoundedCapacity = capacity }, TestRuns.Token));

        Assert.Equal(0, pulled);
    }

    [Fact]
    public async Task RunAsync_CountsEntriesInOutAndDroppedPerOp()
    {
        var g = FromList(Enumerable.Range(0, 10), outputKey: "n")
            | Filter((int n) => n % 2 == 0, "n")
            | TakeFirstN(3)
            | ToList("n");

        var result = await g.RunCheckedAsync(cancellationToken: TestRuns.Token);

        Assert.Equal([0, 2, 4], result.Values<int>());
        Assert.Equal((0L, 10L, 0L), (result.Nodes[0].In, result.Nodes[0].Out, result.Nodes[0].Dropped));
        Assert.Equal((10L, 5L, 5L), (result.Nodes[1].In, result.Nodes[1].Out, result.Nodes[1].Dropped));
        Assert.Equal((5L, 3L, 2L), (result.Nodes[2].In, result.Nodes[2].Out, result.Nodes[2].Dropped));
        Assert.Equal(3L, result.Nodes[3].In);
        Assert.Equal("Filter(n)", result.Nodes[1].Description);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_FusedOrNot_SameOutputCountsAndErrors(bool fuse)
    {
        var options = new RunOptions { FuseEntryOps = fuse, MaxDegreeOfParallelism = 3, BoundedCapacity = 8 };
        var g = FromList(Enumerable.Range(0, 300).Select(i => new { id = $"r{i}", n = i }), idxKey: "id")
            | MapField((int n) => n * 2, "n", "d")
            | Filter((int d) => d % 3 != 0, "d")
            | SetField("tag", "x")
            | Sort("d", descending: true)
            | MapField((int d) => d + 1, "d")
            | ToList("d");
        var failing = FromList(Enumerable.Range(0, 300).Select(i => new { id = $"r{i}", n = i }), idxKey: "id")
            | SetField("tag", "x")
            | Filter((int n) => n != 7, "n")
            | MapField((int n) => n == 250 ? throw new InvalidOperationException("late") : n, "n");

        var result = await g.RunCheckedAsync(options, TestRuns.Token);
        var ex = await failing.RunFailingAsync<OpException>(options, TestRuns.Token);

        var expected = Enumerable.Range(0, 300).Select(n => n * 2).Where(d => d % 3 != 0).OrderDescending().Select(d => d + 1);
        Assert.Equal(expected, result.Values<int>());
        Assert.Equal([300L, 300L, 200L, 200L, 200L, 200L], result.Nodes.Take(6).Select(o => o.Out));
        Assert.Equal((300L, 200L, 100L), (result.Nodes[2].In, result.Nodes[2].Out, result.Nodes[2].Dropped));
        Assert.Equal((3, "r250"), (ex.Node, ex.Idx));
    }

    [Fact]
    public async Task RunAsync_UnwiredOutPort_DiscardsEntriesAndStillCompletes()
    {
        var g = FromList(Enumerable.Range(0, 3000), outputKey: "n") | MapField((int n) => n * 2, "n");

        var result = await g.RunCheckedAsync(new RunOptions { BoundedCapacity = 2 }, TestRuns.Token);

        Assert.Empty(result.Outputs);
        Assert.Equal(3000L, result.Nodes[1].Out);
        Assert.Throws<InvalidOperationException>(() => result.Output);
    }

    private static IEnumerable<int> Endless()
    {
        for (var i = 0; ; i++)
        {
            yield return i;
        }
    }

    private static IEnumerable<int> Counted(Action onPull, int count = 10)
    {
        for (var i = 0; i < count; i++)
        {
            onPull();
            yield return i;
        }
    }

    private static IEnumerable<int> WaitAfterFirst(ManualResetEventSlim firstArrived)
    {
        yield return 0;
        if (!firstArrived.Wait(Patience))
        {
            throw new InvalidOperationException("the first entry did not reach the last op while the source was still open");
        }

        yield return 1;
    }

    private static async Task<int> WaitUntilStableAsync(Func<int> read)
    {
        var last = -1;
        for (var round = 0; round < 100; round++)
        {
            await Task.Delay(50, TestRuns.Token);
            var now = read();
            if (now == last && now > 0)
            {
                return now;
            }

            last = now;
        }

        return read();
    }
}
