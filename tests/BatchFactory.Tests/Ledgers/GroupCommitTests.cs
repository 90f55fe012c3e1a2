using BatchFactory.Ledgers;

namespace BatchFactory.Tests.Ledgers;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task AddAsync_CancelledWhileAnExclusiveActionHoldsTheWriter_StopsWaitingButTheItemIsStillWritten()
    {
        var written = new List<int>();
        var commit = new GroupCommit<int>(
            batch =>
            {
                lock (written)
                {
                    written.AddRange(batch);
                }

                return ValueTask.CompletedTask;
            },
            ex => ex);
        var release = new TaskCompletionSource<bool>();
        var exclusive = commit.ExclusiveAsync(() => new ValueTask<bool>(release.Task), TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();

        var add = commit.AddAsync(7, cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await add);
        release.SetResult(true);
        await exclusive;
        Assert.True(SpinWait.SpinUntil(() => { lock (written) { return written.Contains(7); } }, TimeSpan.FromSeconds(30)), "the cancelled caller's item was never written");
    }

    [Fact]
    public async Task AddAsync_CallersArrivingWhileABatchIsWritten_AreWrittenTogetherInTheNextBatch()
    {
        var batches = new List<int[]>();
        var release = new TaskCompletionSource();
        var commit = new GroupCommit<int>(
            async batch =>
            {
                if (batches.Count == 0)
                {
                    await release.Task;
                }

                batches.Add([.. batch]);
            },
            ex => ex);

        var first = commit.AddAsync(0, TestContext.Current.CancellationToken);
        var others = Enumerable.Range(1, 1999).Select(i => commit.AddAsync(i, TestContext.Current.CancellationToken).AsTask()).ToList();
        release.SetResult();
        await first;
        await Task.WhenAll(others);

        Assert.Equal(2, batches.Count);
        Assert.Equal([0], batches[0]);
        Assert.Equal(Enumerable.Range(1, 1999), batches[1]);
    }

    [Fact]
    public async Task AddAsync_TheBatchFails_EveryCallerWaitingForItGetsTheDescribedError()
    {
        var release = new TaskCompletionSource();
        var batches = 0;
        var commit = new GroupCommit<int>(
            async batch =>
            {
                if (Interlocked.Increment(ref batches) == 1)
                {
                    await release.Task;
                    return;
                }

                throw new IOException("disk full");
            },
            ex => new InvalidOperationException("described: " + ex.Message, ex));

        var first = commit.AddAsync(0, TestContext.Current.CancellationToken);
        var waiting = Enumerable.Range(1, 50).Select(i => commit.AddAsync(i, TestContext.Current.CancellationToken).AsTask()).ToList();
        release.SetResult();
        await first;

        foreach (var caller in waiting)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => caller);
            Assert.Equal("described: disk full", error.Message);
        }
    }
}
