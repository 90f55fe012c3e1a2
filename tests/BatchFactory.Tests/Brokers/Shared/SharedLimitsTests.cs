using System.Diagnostics;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Shared;

/// <summary>
/// A requests-per-window limit shared by three workers against a server enforcing the same limit on arrivals (a window
/// of one second instead of a minute, through a test hook, so the test takes seconds).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedLimitsTests(PostgresServer postgres) : IAsyncLifetime
{
    private const int Limit = 10;
    private const int Entries = 45;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly TempFolder _data = new();
    private readonly Queue<long> _arrivals = new();
    private int _tooMany;
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Latency = TimeSpan.FromMilliseconds(20), MaxRecordedRequests = 0, FailureSelector = Enforce }, TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task RunAsync_ThreeWorkersShareARequestsLimit_TheServerEnforcingItAnswersNo429()
    {
        var database = postgres.NewDatabase();
        var workers = Enumerable.Range(0, 3)
            .Select(w => ProjectFolder.Open("limited", "1", new ProjectFolderOptions { DataDirectory = Path.Combine(_data.Path, $"w{w}"), Backend = LedgerBackend.Postgres(database) }))
            .ToList();
        var graph = FromList(Enumerable.Range(0, Entries).Select(i => new { id = $"q{i}", q = $"q{i}" }), idxKey: "id")
            | AskLLM("Q {q}", "gpt-4o-mini@openai", "answer", new AskOptions { Concurrency = 16 })
            | ToList("answer");
        var options = workers.Select(project => new RunOptions
        {
            Project = project,
            Models = LoopbackModels.For(_server, "sk-limits-1"),
            Broker = new BrokerOptions { Retry = null, RateLimit = new RateLimitOptions { RequestsPerMinute = Limit } },
            Sharing = new SharingOptions { PollInterval = TimeSpan.FromMilliseconds(100), RateWindow = Window },
        });

        var results = await Task.WhenAll(options.Select(o => graph.RunCheckedAsync(o, TestRuns.Token)));
        foreach (var project in workers)
        {
            await project.DisposeAsync();
        }

        Assert.Equal(0, _tooMany);
        Assert.Equal(Entries, results.Sum(r => r.Calls));
        Assert.All(results, r => Assert.Equal(Entries, r.Values().Count()));
    }

    // At most Limit requests arrive in any window; the rest get a 429.
    private Failure? Enforce(ReceivedRequest request)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_arrivals)
        {
            while (_arrivals.Count > 0 && Stopwatch.GetElapsedTime(_arrivals.Peek(), now) >= Window)
            {
                _arrivals.Dequeue();
            }

            if (_arrivals.Count >= Limit)
            {
                _tooMany++;
                return Failure.TooManyRequests(1);
            }

            _arrivals.Enqueue(now);
            return null;
        }
    }
}
