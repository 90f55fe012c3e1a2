using System.Collections.Concurrent;
using System.Text.Json;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Shared;

/// <summary>
/// Workers sharing one PostgreSQL project (in one process here, each with its own project folder and broker) against
/// the loopback server: each request is sent once, every worker ends with the full output, the password stays out.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedRunTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Key = "sk-shared-secret-3";
    private const string Model = "gpt-4o-mini@openai";
    private const int Entries = 150;
    private const int Children = 2;

    private readonly TempFolder _data = new();
    private readonly ConcurrentDictionary<string, int> _answered = new(StringComparer.Ordinal);
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await CountingServer.StartAsync(_answered);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task RunAsync_ThreeWorkersOnOneProject_EachRequestSentOnceAndEveryWorkerHasTheWholeOutput()
    {
        var database = postgres.NewDatabase();
        var workers = Enumerable.Range(0, 3).Select(w => Project(database, $"w{w}")).ToList();

        var results = await Task.WhenAll(workers.Select(p => Graph().RunCheckedAsync(Options(p), TestRuns.Token)));
        foreach (var project in workers)
        {
            await project.DisposeAsync();
        }

        Assert.Equal(Entries * (1 + Children), _answered.Count);
        Assert.DoesNotContain(_answered, a => a.Value > 1);
        Assert.Equal(Entries * (1 + Children), results.Sum(r => r.Calls));
        Assert.All(results, r => Assert.Equal(Expected(), Rows(r)));
        Assert.All(results, r => Assert.Equal(Entries * (1 + Children), r.Calls + r.CachedCalls));
    }

    [Fact]
    public async Task RunAsync_ThreeWorkersOnOneProject_TheLedgerHoldsEveryAnswerOnceWithWhereItWasAsked()
    {
        var database = postgres.NewDatabase();
        var workers = Enumerable.Range(0, 3).Select(w => Project(database, $"w{w}")).ToList();

        await Task.WhenAll(workers.Select(p => Graph().RunCheckedAsync(Options(p), TestRuns.Token)));
        foreach (var project in workers)
        {
            await project.DisposeAsync();
        }

        await using var reader = Project(database, "reader");
        var records = new List<LedgerRecord>();
        await foreach (var record in (await reader.OpenLedgerAsync("llm", TestRuns.Token)).EnumerateAsync(TestRuns.Token))
        {
            records.Add(record);
        }

        Assert.Equal(Entries * (1 + Children), records.Count);
        Assert.Equal(records.Count, records.Select(r => r.Key).Distinct().Count());
        Assert.All(records, r => Assert.StartsWith("Echo[gpt-4o-mini]: ", r.Value["text"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(records, r => Assert.NotNull(r.Value["asked"]?["idx"]));
        Assert.All(records, r => Assert.NotNull(r.Value["request"]));
    }

    [Fact]
    public async Task RunAsync_RerunOnAnotherWorker_IsServedFromTheSharedLedger()
    {
        var database = postgres.NewDatabase();
        await using (var first = Project(database, "first"))
        {
            await Graph().RunCheckedAsync(Options(first), TestRuns.Token);
        }

        var sent = _answered.Count;
        await using var second = Project(database, "second");
        var again = await Graph().RunCheckedAsync(Options(second), TestRuns.Token);

        Assert.Equal(0, again.Calls);
        Assert.Equal(sent, _answered.Count);
        Assert.Equal(Expected(), Rows(again));
    }

    [Fact]
    public async Task RunAsync_OnPostgres_PasswordIsInNoLogNorSummary()
    {
        var database = postgres.NewDatabase();
        var logs = new ListLoggerFactory();
        await using var project = Project(database, "logged");

        var result = await Graph().RunCheckedAsync(Options(project, logs), TestRuns.Token);

        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(postgres.Password, StringComparison.Ordinal));
        Assert.DoesNotContain(postgres.Password, result.Summary.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.Password, JsonSerializer.Serialize(result.Summary), StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.Password, (await project.OpenLedgerAsync("llm", TestRuns.Token)).Location, StringComparison.Ordinal);
    }

    private ProjectFolder Project(string database, string worker) =>
        ProjectFolder.Open("shared", "1", new ProjectFolderOptions { DataDirectory = Path.Combine(_data.Path, worker), Backend = LedgerBackend.Postgres(database) });

    private static Graph Graph() =>
        FromList(Enumerable.Range(0, Entries).Select(i => new { id = $"t{i}", topic = $"t{i}", parts = Enumerable.Range(0, Children).Select(j => $"t{i}-{j}").ToArray() }), idxKey: "id")
        | AskLLM("Q {topic}", Model, "answer", new AskOptions { Concurrency = 16 })
        | ListParallel(AskLLM("Sub {part}", Model, "sub", new AskOptions { Concurrency = 16 }), "parts", "part", "sub", "subs")
        | ToList("topic", "answer", "subs");

    private static List<string> Expected() =>
        [.. Enumerable.Range(0, Entries).Select(i =>
            $"t{i}|Echo[gpt-4o-mini]: Q t{i}|{string.Join(",", Enumerable.Range(0, Children).Select(j => $"Echo[gpt-4o-mini]: Sub t{i}-{j}"))}")];

    private static List<string> Rows(RunResult result) =>
        [.. result.Values().Select(v => $"{v!["topic"]}|{v["answer"]}|{string.Join(",", v["subs"]!.AsArray().Select(s => s!.GetValue<string>()))}")];

    private RunOptions Options(ProjectFolder project, ListLoggerFactory? logs = null) => new()
    {
        LoggerFactory = logs,
        Project = project,
        Models = LoopbackModels.For(_server, Key),
        Sharing = new SharingOptions { PollInterval = TimeSpan.FromMilliseconds(200) },
    };
}
