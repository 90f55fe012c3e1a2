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
    public async Task AddAsync_ManyConcurrentCallers_ShareBatchesAndEveryItemIsWrittenOnce()
    {
        var written = new List<int>();
        var batches = 0;
        var commit = new GroupCommit<int>(
            async batch =>
            {
                Interlocked.Increment(ref batches);
                await Task.Yield();
                lock (written)
                {
                    written.AddRange(batch);
                }
            },
            ex => ex);

        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Task.Run(async () => await commit.AddAsync(i, TestContext.Current.CancellationToken))));

        Assert.Equal(Enumerable.Range(0, 2000), written.Order());
        Assert.True(batches < 2000, $"{batches} batches for 2000 concurrent items: nothing was shared");
    }
}
