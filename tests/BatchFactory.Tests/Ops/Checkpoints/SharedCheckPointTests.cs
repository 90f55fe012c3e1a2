using System.Collections.Concurrent;
using BatchFactory.Brokers;
using BatchFactory.Ledgers;
using BatchFactory.Operators;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Checkpoints;

/// <summary>
/// A checkpoint on a project kept in PostgreSQL, shared by workers in one process (each with its own project folder):
/// each entry's body runs once across the workers, every worker ends with every entry, a dead worker's claim is taken over.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedCheckPointTests(PostgresServer postgres) : IDisposable
{
    private const int Entries = 60;

    private readonly TempFolder _data = new();
    private readonly ConcurrentDictionary<int, int> _bodyRuns = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task RunAsync_ThreeWorkersOnOneProject_EachBodyRunsOnceAndEveryWorkerHasEveryEntry()
    {
        var database = postgres.NewDatabase();
        var workers = Enumerable.Range(0, 3).Select(w => Project(database, $"w{w}")).ToList();

        var results = await Task.WhenAll(workers.Select(p => Pipeline().RunCheckedAsync(Options(p), TestRuns.Token)));
        foreach (var project in workers)
        {
            await project.DisposeAsync();
        }

        Assert.Equal(Enumerable.Range(0, Entries), _bodyRuns.Keys.Order());
        Assert.All(_bodyRuns, run => Assert.Equal(1, run.Value));
        Assert.All(results, r => Assert.Equal(Squares(), r.Values<int>().Order()));
    }

    [Fact]
    public async Task RunAsync_AfterASharedRun_AnotherWorkerServesEveryEntryWithoutRunningTheBody()
    {
        var database = postgres.NewDatabase();
        await using (var first = Project(database, "first"))
        {
            await Pipeline().RunCheckedAsync(Options(first), TestRuns.Token);
        }

        _bodyRuns.Clear();
        await using var second = Project(database, "second");
        var again = await Pipeline().RunCheckedAsync(Options(second), TestRuns.Token);

        Assert.Empty(_bodyRuns);
        Assert.Equal(Squares(), again.Values<int>().Order());
    }

    [Fact]
    public async Task RunAsync_EntryClaimedByADeadWorker_IsTakenOverWhenItsLeaseRunsOut_AndTheDeadClaimCannotStore()
    {
        var database = postgres.NewDatabase();
        await using var project = Project(database, "alive");
        await project.OpenLedgerAsync("checkpoint-squares", TestRuns.Token);
        using var dead = new ClaimStore(new PostgresConnection(database), "shared-checkpoint/1", new SharingOptions { WorkerName = "dead", Lease = TimeSpan.FromMilliseconds(300), Heartbeat = null });
        var key = new CheckPointClaims(dead, "checkpoint-squares").KeyOf(new Entry("e7"));
        var deadToken = (await dead.TryClaimAsync(key, TestRuns.Token)).Token;
        Assert.NotNull(deadToken);

        var result = await Pipeline().RunCheckedAsync(Options(project), TestRuns.Token);

        Assert.Equal(1, _bodyRuns[7]);
        Assert.All(_bodyRuns, run => Assert.Equal(1, run.Value));
        Assert.Equal(Squares(), result.Values<int>().Order());
        Assert.False(await dead.CompleteAsync(key, deadToken.Value, """{"idx":"e7","rev":0,"data":{"square":-1}}""", TestRuns.Token));
    }

    [Fact]
    public async Task RunAsync_BodyDropsAnEntryWhileStillWorkingOnAnother_TheOtherWorkerClaimsTheDroppedOneAtOnce()
    {
        var database = postgres.NewDatabase();
        await using var first = Project(database, "first");
        await using var second = Project(database, "second");
        using var release = new ManualResetEventSlim();
        var runs = new ConcurrentQueue<(string Worker, string Idx)>();

        // Both workers run the same graph; its body drops "dropped". The first worker's body holds "kept" until released,
        // with room for a second entry beside it.
        Graph Dropping(string worker) =>
            FromList([new { id = "dropped", n = 2 }, new { id = "kept", n = 1 }], idxKey: "id")
            | CheckPoint(
                MapField(
                    (int n) =>
                    {
                        runs.Enqueue((worker, n == 1 ? "kept" : "dropped"));
                        if (worker == "first" && n == 1)
                        {
                            release.Wait(TimeSpan.FromMinutes(1), TestRuns.Token);
                        }

                        return n * 10;
                    },
                    "n",
                    "out")
                | Filter((int n) => n == 1, "n"),
                "dropping")
            | ToList("out");

        var firstRun = Dropping("first").RunCheckedAsync(Options(first, parallel: 2), TestRuns.Token);
        await WaitUntilAsync(() => runs.Contains(("first", "dropped")) && runs.Contains(("first", "kept")));

        // The second worker waits for "kept", which the first still works on, but takes "dropped" over at once: the first
        // worker gave up its claim as its body dropped the entry, not when its body ends.
        var secondRun = Dropping("second").RunCheckedAsync(Options(second, parallel: 2), TestRuns.Token);
        await WaitUntilAsync(() => runs.Contains(("second", "dropped")));
        Assert.False(firstRun.IsCompleted);
        Assert.DoesNotContain(("second", "kept"), runs);

        release.Set();
        var results = await Task.WhenAll(firstRun, secondRun);
        Assert.All(results, r => Assert.Equal([10], r.Values<int>()));
        Assert.Single(runs, r => r.Idx == "kept");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        bound.CancelAfter(TimeSpan.FromMinutes(1));
        while (!condition())
        {
            await Task.Delay(20, bound.Token);
        }
    }

    private ProjectFolder Project(string database, string worker) =>
        ProjectFolder.Open("shared-checkpoint", "1", new ProjectFolderOptions { DataDirectory = Path.Combine(_data.Path, worker), Backend = LedgerBackend.Postgres(database) });

    private static RunOptions Options(ProjectFolder project, int parallel = 1) => new()
    {
        Project = project,
        MaxDegreeOfParallelism = parallel,
        Sharing = new SharingOptions { PollInterval = TimeSpan.FromMilliseconds(100) },
    };

    // The body takes a little while, as real work would, so the workers' entries overlap.
    private Graph Pipeline() =>
        FromList(Enumerable.Range(0, Entries).Select(i => new { id = $"e{i}", n = i }), idxKey: "id")
        | CheckPoint(MapField((int n) => Counted(n), "n", "square"), "squares")
        | ToList("square");

    private int Counted(int n)
    {
        _bodyRuns.AddOrUpdate(n, 1, (_, runs) => runs + 1);
        Thread.Sleep(5);
        return n * n;
    }

    private static IEnumerable<int> Squares() => Enumerable.Range(0, Entries).Select(n => n * n);
}
