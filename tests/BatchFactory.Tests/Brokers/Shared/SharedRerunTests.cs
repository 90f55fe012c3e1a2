using System.Collections.Concurrent;
using System.Diagnostics;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using Npgsql;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Shared;

/// <summary>
/// A fully cached rerun on a PostgreSQL project: the broker gathers the entries' lookups into batched ones, so the rerun
/// asks the database far fewer times than it has entries, and serves the same answers.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedRerunTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Key = "sk-shared-rerun-7";
    private const int Entries = 400;

    private readonly TempFolder _data = new();
    private readonly ConcurrentDictionary<string, int> _asked = new(StringComparer.Ordinal);
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await CountingServer.StartAsync(_asked);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task RunAsync_FullyCachedRerun_LooksAnswersUpInFarFewerQueriesThanEntriesAndServesTheSameAnswers()
    {
        var database = postgres.NewDatabase();
        RunResult first;
        await using (var project = Project(database))
        {
            first = await Graph().RunCheckedAsync(Options(project), TestRuns.Token);
        }

        var name = new NpgsqlConnectionStringBuilder(database).Database;
        var lookups = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (IsLookupIn(activity, name))
                {
                    Interlocked.Increment(ref lookups);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        RunResult rerun;
        await using (var project = Project(database))
        {
            rerun = await Graph().RunCheckedAsync(Options(project), TestRuns.Token);
        }

        Assert.Equal(first.Values().Select(v => v!.ToJsonString()), rerun.Values().Select(v => v!.ToJsonString()));
        Assert.Equal((0, Entries), (rerun.Calls, rerun.CachedCalls));
        Assert.Equal(Entries, _asked.Count);
        Assert.InRange(Volatile.Read(ref lookups), 1, Entries / 4);
    }

    // A query of the ledger's records by key (one key or many), sent to this test's database (Npgsql's span tags).
    private static bool IsLookupIn(Activity activity, string? database) =>
        activity.GetTagItem("db.namespace") as string == database
        && activity.GetTagItem("db.query.text") is string query
        && query.Contains("FROM batchfactory_records WHERE ledger = $1 AND key", StringComparison.Ordinal);

    private ProjectFolder Project(string database) =>
        ProjectFolder.Open("rerun", "1", new ProjectFolderOptions { DataDirectory = _data.Path, Backend = LedgerBackend.Postgres(database) });

    private static Graph Graph() =>
        FromList(Enumerable.Range(0, Entries).Select(i => new { id = $"e{i}", topic = $"t{i}" }), idxKey: "id")
        | AskLLM("Q {topic}", "gpt-4o-mini@openai", "answer", new AskOptions { Concurrency = 32 })
        | ToList("answer");

    private RunOptions Options(ProjectFolder project) => new()
    {
        Project = project,
        Models = LoopbackModels.For(_server, Key),
        Sharing = new SharingOptions { PollInterval = TimeSpan.FromMilliseconds(100) },
    };
}
