using System.Collections.Concurrent;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Calls;

/// <summary>
/// 10,000 entries through AskLLM and a ListParallel of AskLLM (3 children each) against the loopback server injecting
/// faults at random with a fixed seed: 429s with Retry-After, 500s, dropped connections and answers slower than the
/// attempt timeout. Bounded in count and time; loopback only.
/// </summary>
public sealed class FaultSoakTests : IAsyncLifetime
{
    private const string Key = "sk-soak-secret-7";
    private const string Model = "gpt-4o-mini@openai";
    private const int Entries = 10_000;
    private const int Children = 3;

    private readonly TempFolder _data = new();
    private readonly ConcurrentDictionary<string, int> _answered = new(StringComparer.Ordinal);
    private OpenAICompatibleServer _server = null!;
    private Func<ReceivedRequest, Failure?> _faults = _ => null;
    private long _retries;
    private long _refused;
    private long _seen429;
    private long _timeouts;
    private long _slow;

    public async ValueTask InitializeAsync() =>
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { FailureSelector = Select, MaxRecordedRequests = 0 }, TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Soak_RandomFaults_OutputEqualsACleanRunsAndTheSummaryCountsEveryRetryAnd429()
    {
        _faults = RandomFaults;
        await using var project = ProjectFolder.Open("soak", "1", new ProjectFolderOptions { DataDirectory = _data.Path });

        var result = await Graph(Entries).RunCheckedAsync(Options(project), TestRuns.Token);
        var sent = _server.ChatRequests;
        var again = await Graph(Entries).RunCheckedAsync(Options(project), TestRuns.Token);

        Assert.Equal(Expected(Entries), Rows(result));
        Assert.Equal(Entries * (1 + Children), result.Calls);
        Assert.Equal(0, result.FailedCalls);
        Assert.True(_retries > Entries, $"only {_retries} retries: the faults were not injected");
        // The summary counts what the client saw. A 429 the server sent can reach a client whose attempt already timed
        // out on a loaded machine (a timeout then, not a 429), so the server's counts bound the client's, not equal them.
        var (retries, seen429) = (Interlocked.Read(ref _retries), Interlocked.Read(ref _seen429));
        Assert.Equal((retries, seen429), (result.Summary.Totals.Retries, result.Summary.Totals.RateLimited));
        Assert.InRange(seen429, Entries / 4, Interlocked.Read(ref _refused));
        Assert.InRange(sent, result.Calls + seen429 + result.FailedCalls, long.MaxValue);
        // A request is answered twice only when its attempt timed out while the answer was on its way (a loaded
        // machine): never more often than the client timed out beyond the slow answers injected.
        Assert.InRange(_answered.Sum(a => a.Value - 1), 0, Math.Max(0, Interlocked.Read(ref _timeouts) - Interlocked.Read(ref _slow)));
        Assert.Equal((0L, sent), (again.Calls, _server.ChatRequests));
        Assert.Equal(Rows(result), Rows(again));
    }

    [Fact]
    public async Task Soak_OnePercentAlwaysFails_SummaryListsExactlyThoseParentsWaitAndARerunCompletesThem()
    {
        const int entries = 1_000;
        _faults = request => AlwaysFails(request) ? Failure.HttpStatus(400) : RandomFaults(request);
        await using var project = ProjectFolder.Open("soak", "1", new ProjectFolderOptions { DataDirectory = _data.Path });

        var first = await Graph(entries).RunCheckedAsync(Options(project), TestRuns.Token);
        var failing = Enumerable.Range(0, entries).SelectMany(i => Enumerable.Range(0, Children).Select(j => (i, j))).Where(p => AlwaysFails(Sub(p.i, p.j))).ToList();
        _faults = RandomFaults;
        var callsBefore = _server.ChatRequests;
        var second = await Graph(entries).RunCheckedAsync(Options(project), TestRuns.Token);

        Assert.NotEmpty(failing);
        var waiting = failing.Select(p => $"t{p.i}").Distinct().Order().ToList();
        Assert.Equal(waiting, first.Summary.Failures.Where(f => f.OpName.EndsWith("CollectAllToList", StringComparison.Ordinal)).Select(f => f.Idx!).Order());
        Assert.Equal(failing.Count, first.FailedCalls);
        Assert.Equal(entries - waiting.Count, Rows(first).Count);
        Assert.Equal(failing.Count, second.Calls);
        Assert.Equal(Expected(entries), Rows(second));
        Assert.True(_server.ChatRequests - callsBefore >= failing.Count);
    }

    private static string Topic(int i) => $"t{i}";

    private static string Sub(int i, int j) => $"t{i}-{j}";

    private static Graph Graph(int entries) =>
        FromList(Enumerable.Range(0, entries).Select(i => new { id = Topic(i), topic = Topic(i), parts = Enumerable.Range(0, Children).Select(j => Sub(i, j)).ToArray() }), idxKey: "id")
        | AskLLM("Q {topic}", Model, "answer")
        | ListParallel(AskLLM("Sub {part}", Model, "sub"), "parts", "part", "sub", "subs")
        | ToList("topic", "answer", "subs");

    private static List<string> Expected(int entries) =>
        [.. Enumerable.Range(0, entries).Select(i =>
            $"{Topic(i)}|Echo[gpt-4o-mini]: Q {Topic(i)}|{string.Join(",", Enumerable.Range(0, Children).Select(j => $"Echo[gpt-4o-mini]: Sub {Sub(i, j)}"))}")];

    private static List<string> Rows(RunResult result) =>
        [.. result.Values().Select(v => $"{v!["topic"]}|{v["answer"]}|{string.Join(",", v["subs"]!.AsArray().Select(s => s!.GetValue<string>()))}")];

    private RunOptions Options(ProjectFolder project) => new()
    {
        Project = project,
        Models = LoopbackModels.For(_server, Key),
        Broker = new BrokerOptions
        {
            Retry = new RetryOptions
            {
                MaxRetries = 30,
                BaseDelay = TimeSpan.FromMilliseconds(1),
                MaxDelay = TimeSpan.FromMilliseconds(20),
                AttemptTimeout = TimeSpan.FromSeconds(1),
                OnRetry = retry =>
                {
                    Interlocked.Increment(ref _retries);
                    if (retry.StatusCode == 429)
                    {
                        Interlocked.Increment(ref _seen429);
                    }
                    else if (retry.Reason == "timeout")
                    {
                        Interlocked.Increment(ref _timeouts);
                    }
                },
            },
        },
    };

    // The text a request asks about: "t12-1" for a child, "t12" for a topic.
    private static string Subject(ReceivedRequest request) => request.Texts[^1].Split(' ')[^1];

    private static bool AlwaysFails(ReceivedRequest request) => request.Texts[^1].StartsWith("Sub ", StringComparison.Ordinal) && AlwaysFails(Subject(request));

    private static bool AlwaysFails(string subject) => Math.Abs(StableHash(subject) % 100) == 0;

    private static int StableHash(string text)
    {
        var h = 17;
        foreach (var c in text)
        {
            h = unchecked((h * 31) + c);
        }

        return h;
    }

    // 10% 429 (Retry-After 0), 5% 500, 3% dropped connections, 2% answers slower than the attempt timeout; the rest answered.
    private static Failure? RandomFaults(ReceivedRequest request)
    {
        var roll = new Random(unchecked((int)(request.Number * 2654435761L) ^ 42)).Next(100);
        return roll switch
        {
            < 10 => Failure.TooManyRequests(0),
            < 15 => Failure.ServerError(),
            < 18 => Failure.Abort(),
            < 20 => Failure.Slow(TimeSpan.FromSeconds(5)),
            _ => null,
        };
    }

    private Failure? Select(ReceivedRequest request)
    {
        var failure = _faults(request);
        if (failure is null)
        {
            _answered.AddOrUpdate(request.Texts[^1], 1, (_, n) => n + 1);
        }
        else if (failure.StatusCode == 429)
        {
            Interlocked.Increment(ref _refused);
        }
        else if (failure.Kind == FailureKind.Slow)
        {
            Interlocked.Increment(ref _slow);
        }

        return failure;
    }

}
