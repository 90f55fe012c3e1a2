using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Logging;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Brokers.Calls;

/// <summary>The run's model broker through its seam: an answer source of the test's own, as a batch API or another machine would be.</summary>
public sealed partial class ModelBrokerTests : IAsyncDisposable
{
    private const string Secret = "sk-test-0123456789abcdef";
    private static readonly ModelSpec Model = ModelSpec.Parse("m@offline");

    private readonly MemoryLedgerBackend _backend = new();
    private readonly TempFolder _folder = new();
    private readonly Observer _observer = new();
    private readonly GatedSource _source = new();
    private ILedger? _ledger;

    public async ValueTask DisposeAsync()
    {
        if (_ledger is not null)
        {
            await _ledger.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task AnswerAsync_IdenticalRequestsAtOnce_AskTheSourceOnceAndShareTheAnswer()
    {
        using var broker = Broker();
        var site = await SiteAsync();
        var request = Chat("hello");

        var first = broker.AnswerAsync(site, "a", request, TestRuns.Token);
        var second = broker.AnswerAsync(site, "b", request, TestRuns.Token);
        _source.Release("hi");

        var (one, two) = (await first, await second);
        Assert.Equal("hi", one["text"]!.GetValue<string>());
        Assert.Equal("hi", two["text"]!.GetValue<string>());
        Assert.Equal(1, _source.Asked);
        Assert.False(one["cached"]!.GetValue<bool>());
        Assert.True(two["cached"]!.GetValue<bool>());
        var stats = site.Counters.Snapshot(ModelPrices.Default);
        Assert.Equal((1, 1), (stats.Calls, stats.Cached));
        one["text"] = "changed by the first caller";
        Assert.Equal("hi", two["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnswerAsync_AnswerFromTheSource_IsStoredUnderTheRequestKeyAndServedNextTime()
    {
        using var broker = Broker();
        var site = await SiteAsync();
        _source.Release("stored");

        await broker.AnswerAsync(site, "a", Chat("q"), TestRuns.Token);
        var served = await broker.TryStoredAsync(site, "a", Chat("q"), TestRuns.Token);

        Assert.Equal("stored", (await _ledger!.TryGetAsync(Chat("q").Key, TestRuns.Token))!["text"]!.GetValue<string>());
        Assert.Equal("stored", served!["text"]!.GetValue<string>());
        Assert.True(served["cached"]!.GetValue<bool>());
        Assert.Equal(1, _source.Asked);
        Assert.Equal(["started a", "finished a", "cached a"], _observer.Seen);
    }

    [Fact]
    public async Task AnswerAsync_SourceFails_RecordsTheFailureUnderKeyFailedWithoutTheKey()
    {
        using var broker = Broker();
        var site = await SiteAsync();
        _source.Fail(new InvalidOperationException($"rejected key {Secret}"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => broker.AnswerAsync(site, "a", Chat("q"), TestRuns.Token));
        var error = broker.GaveUp(site, "a", Chat("q"), new InvalidOperationException($"rejected key {Secret}"));

        var record = await _ledger!.TryGetAsync(Chat("q").Key + "#failed", TestRuns.Token);
        Assert.Contains("rejected key ***", record!["error"]!.GetValue<string>());
        Assert.Null(await _ledger.TryGetAsync(Chat("q").Key, TestRuns.Token));
        Assert.Equal("rejected key ***", error);
        Assert.Equal(1, site.Counters.Snapshot(ModelPrices.Default).Failed);
        Assert.Contains("failed a: InvalidOperationException: rejected key ***", _observer.Seen);
    }

    [Fact]
    public async Task TryStoredAsync_NoLedger_FindsNothingAndCountsNothing()
    {
        using var broker = Broker();
        var site = new CallSite(0, "CallLLM", null, new BrokerCounters());

        Assert.Null(await broker.TryStoredAsync(site, "a", Chat("q"), TestRuns.Token));
        Assert.Equal(0, site.Counters.Snapshot(ModelPrices.Default).Cached);
    }

    [Fact]
    public async Task TryStoredAsync_SourceFindsAllThatIsStoredAndTheLedgerWasEmptyWhenFirstAsked_LeavesTheLookupToTheSource()
    {
        _source.FindsEverything = true;
        using var broker = Broker();
        var site = await SiteAsync();

        Assert.Null(await broker.TryStoredAsync(site, "a", Chat("q"), TestRuns.Token));

        // Whatever lands in the ledger from now on is the source's to find (a claim reads it): the ledger is not read.
        await _ledger!.AppendAsync(Chat("q").Key, new JsonObject { ["text"] = "stored meanwhile" }, TestRuns.Token);
        Assert.Null(await broker.TryStoredAsync(site, "a", Chat("q"), TestRuns.Token));
        Assert.Equal(0, site.Counters.Snapshot(ModelPrices.Default).Cached);
    }

    [Fact]
    public async Task TryStoredAsync_SourceFindsAllThatIsStoredButTheLedgerHeldRecordsWhenFirstAsked_ServesThemFromTheLedger()
    {
        _source.FindsEverything = true;
        using var broker = Broker();
        var site = await SiteAsync();
        await _ledger!.AppendAsync(Chat("earlier").Key, new JsonObject { ["text"] = "from an earlier run" }, TestRuns.Token);

        var served = await broker.TryStoredAsync(site, "a", Chat("earlier"), TestRuns.Token);

        Assert.Equal("from an earlier run", served!["text"]!.GetValue<string>());
        Assert.True(served["cached"]!.GetValue<bool>());
        Assert.Equal(0, _source.Asked);
    }

    private static ChatCall Chat(string prompt) =>
        new(ChatRequest.Create(Model.ToString(), [ChatRequest.Message("user", prompt)], null, 0), Model);

    private ModelBroker Broker() =>
        new(new BrokerSetup(ModelProviders.Default, new BrokerOptions(), null, ModelPrices.Default, TimeProvider.System), _observer, new SecretRedactor([Secret]), _source);

    private async Task<CallSite> SiteAsync()
    {
        _ledger = await _backend.OpenAsync(new LedgerLocation("p", "1", "llm", _folder.Path), new LedgerOptions(), TestRuns.Token);
        return new CallSite(3, "CallLLM", _ledger, new BrokerCounters());
    }

    private sealed class GatedSource : IAnswerSource
    {
        private readonly TaskCompletionSource<JsonObject> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _asked;
        private int _parked;

        public int Asked => Volatile.Read(ref _asked);

        /// <summary>Whether it places batch requests ahead of their call, as a batch does (see ModelBrokerTests.Parking).</summary>
        public bool Parks { get; set; }

        public int Parked => Volatile.Read(ref _parked);

        /// <summary>Whether it finds every answer stored in a ledger, as a shared run's claims do for a ledger in their database.</summary>
        public bool FindsEverything { get; set; }

        public bool CanPark(ModelRequest request) => Parks;

        public bool FindsEverythingStoredIn(ILedger ledger) => FindsEverything;

        public Task<JsonObject>? Park(ModelRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _parked);
            return CopyAsync(cancellationToken);
        }

        public void Release(string text) => _answer.SetResult(new JsonObject { ["text"] = text, ["usage"] = new JsonObject { ["input_tokens"] = 3, ["output_tokens"] = 4 } });

        public void Fail(Exception exception) => _answer.SetException(exception);

        public Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _asked);
            return CopyAsync(cancellationToken);
        }

        private async Task<JsonObject> CopyAsync(CancellationToken cancellationToken) => (JsonObject)(await _answer.Task.WaitAsync(cancellationToken)).DeepClone();
    }

    private sealed class Observer : ICallObserver
    {
        public List<string> Seen { get; } = [];

        public bool TracksCalls => true;

        public void Started(CallSite site, string idx, ModelRequest request) => Add($"started {idx}");

        public void Finished(CallSite site, string idx, ModelRequest request, JsonObject answer, TimeSpan duration, decimal? cost) => Add($"finished {idx}");

        public void Cached(CallSite site, string idx, ModelRequest request) => Add($"cached {idx}");

        public void Failed(CallSite site, string idx, ModelRequest request, string error) => Add($"failed {idx}: {error}");

        public void Retried(CallSite site, string idx, ModelRequest request, RetryEvent retry) => Add($"retried {idx}");

        private void Add(string what)
        {
            lock (Seen)
            {
                Seen.Add(what);
            }
        }
    }
}
