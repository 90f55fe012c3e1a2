using System.Collections.Concurrent;
using System.Globalization;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Resume;

/// <summary>
/// Three worker processes (tests/BatchFactory.ResumeProbe in <c>--llm</c> mode with <c>--postgres</c>) run the same
/// questions against one PostgreSQL project and a loopback server at 20 ms: the server answers each question once,
/// every worker writes the whole output, and killing one mid-run (SIGKILL) leaves its questions to the others once its
/// leases run out.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedWorkersTests(PostgresServer postgres) : IAsyncLifetime
{
    private const int Count = 600;
    private const int Concurrency = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly TempFolder _temp = new();
    private readonly ConcurrentDictionary<string, int> _asked = new(StringComparer.Ordinal);
    private readonly List<ResumeProbeProcess> _workers = [];
    private OpenAICompatibleServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await CountingServer.StartAsync(_asked);

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task ThreeWorkers_SameQuestions_EachAskedOnceAndEveryWorkerWritesTheWholeOutput()
    {
        var database = postgres.NewDatabase();
        var workers = Enumerable.Range(0, 3).Select(w => Start(database, w, leaseMs: 60_000)).ToList();

        foreach (var (worker, w) in workers.Select((p, w) => (p, w)))
        {
            Assert.Equal(0, await worker.WaitForExitAsync(Patience, $"worker {w} ran"));
        }

        Assert.Equal(Count, _asked.Count);
        Assert.DoesNotContain(_asked, a => a.Value > 1);
        Assert.All(Enumerable.Range(0, 3), w => Assert.Equal(Expected(), File.ReadAllLines(Output(w))));
    }

    [Fact]
    public async Task ThreeWorkers_OneKilledMidRun_TheOthersFinishAndNoQuestionIsAskedTwiceBeyondItsCallsInFlight()
    {
        var database = postgres.NewDatabase();
        var workers = Enumerable.Range(0, 3).Select(w => Start(database, w, leaseMs: 5000)).ToList();
        await Eventually.TrueAsync(() => _asked.Count >= Count / 4, "a quarter of the questions were asked");

        workers[0].Kill();
        var survivors = workers.Skip(1).ToList();
        foreach (var (worker, w) in survivors.Select((p, w) => (p, w + 1)))
        {
            Assert.Equal(0, await worker.WaitForExitAsync(Patience, $"worker {w} ran"));
        }

        Assert.Equal(Count, _asked.Count);
        Assert.True(_asked.Values.Sum() <= Count + Concurrency, $"{_asked.Values.Sum()} requests for {Count} questions");
        Assert.All(Enumerable.Range(1, 2), w => Assert.Equal(Expected(), File.ReadAllLines(Output(w))));
    }

    private static List<string> Expected() => [.. Enumerable.Range(0, Count).Select(n => $"Echo[gpt-4o-mini]: Question {n}")];

    private string Output(int worker) => Path.Combine(_temp.Path, $"out{worker}.txt");

    private ResumeProbeProcess Start(string database, int worker, int leaseMs)
    {
        var probe = ResumeProbeProcess.Start(
            [
                "--llm",
                "--data-dir", Path.Combine(_temp.Path, $"data{worker}"),
                "--count", Count.ToString(CultureInfo.InvariantCulture),
                "--out", Output(worker),
                "--dop", Concurrency.ToString(CultureInfo.InvariantCulture),
                "--postgres", database,
                "--lease-ms", leaseMs.ToString(CultureInfo.InvariantCulture),
            ],
            new Dictionary<string, string>
            {
                [OpenAIProvider.ApiKeyVariable] = "test",
                [OpenAIProvider.BaseUrlVariable] = _server.BaseUri.ToString(),
            });
        _workers.Add(probe);
        return probe;
    }
}
