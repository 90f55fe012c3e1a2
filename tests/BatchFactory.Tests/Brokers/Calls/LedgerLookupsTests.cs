using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Brokers.Calls;

/// <summary>The broker's lookups gathered into batched ones, against a ledger whose reads the test holds and lets go.</summary>
public sealed class LedgerLookupsTests
{
    [Fact]
    public async Task GetAsync_ManyLookupsWhileTheLedgerIsBusy_GoAsOneBatchWithTheRightRecordEach()
    {
        var ledger = new HeldLedger(Enumerable.Range(0, 300).Where(i => i % 3 != 0).Select(i => $"k{i}"));
        var lookups = new LedgerLookups(ledger);

        // Two lookups reach the ledger at once; the next ones queue behind them.
        var asked = Enumerable.Range(0, 300).Select(i => lookups.GetAsync([$"k{i}"], TestRuns.Token).AsTask()).ToList();
        Assert.Equal(lookups.InFlight, ledger.RoundTrips);
        ledger.Release();
        var found = await Task.WhenAll(asked);

        Assert.Equal(lookups.InFlight + 1, ledger.RoundTrips);
        for (var i = 0; i < found.Length; i++)
        {
            Assert.Equal(i % 3 == 0 ? null : $"k{i}", (string?)found[i].Single()?["v"]);
        }
    }

    [Fact]
    public async Task GetAsync_SeveralKeysOfOneLookup_ComeBackInItsOrderAmongTheOthers()
    {
        var ledger = new HeldLedger(["a", "c", "x"]);
        var lookups = new LedgerLookups(ledger);
        var busy = Enumerable.Range(0, lookups.InFlight).Select(i => lookups.GetAsync([$"busy{i}"], TestRuns.Token).AsTask()).ToList();

        var first = lookups.GetAsync(["x"], TestRuns.Token).AsTask();
        var chain = lookups.GetAsync(["a", "b", "c"], TestRuns.Token).AsTask();
        ledger.Release();
        await Task.WhenAll(busy);

        Assert.Equal(["x"], (await first).Select(r => (string?)r?["v"]));
        Assert.Equal(["a", null, "c"], (await chain).Select(r => (string?)r?["v"]));
        Assert.Equal(lookups.InFlight + 1, ledger.RoundTrips);
    }

    [Fact]
    public async Task GetAsync_LoneLookupOnALedgerThatAnswersAtOnce_IsAnsweredWithoutWaiting()
    {
        var ledger = new HeldLedger(["k"]);
        ledger.Release();
        var lookups = new LedgerLookups(ledger);

        var found = lookups.GetAsync(["k"], TestRuns.Token);

        Assert.True(found.IsCompletedSuccessfully);
        Assert.Equal("k", (string?)(await found).Single()?["v"]);
        Assert.Equal(1, ledger.RoundTrips);
    }

    [Fact]
    public async Task GetAsync_BatchFails_EveryLookupInItGetsTheErrorAndLaterLookupsStillWork()
    {
        var ledger = new HeldLedger(["k"]);
        var lookups = new LedgerLookups(ledger);
        var busy = Enumerable.Range(0, lookups.InFlight).Select(i => lookups.GetAsync([$"busy{i}"], TestRuns.Token).AsTask()).ToList();
        var queued = Enumerable.Range(0, 5).Select(i => lookups.GetAsync([$"q{i}"], TestRuns.Token).AsTask()).ToList();

        ledger.FailNext = true;
        ledger.Release();

        foreach (var lookup in queued)
        {
            var error = await Assert.ThrowsAsync<LedgerException>(() => lookup);
            Assert.Contains("read failed", error.Message, StringComparison.Ordinal);
        }

        await Task.WhenAll(busy);
        Assert.Equal("k", (string?)(await lookups.GetAsync(["k"], TestRuns.Token)).Single()?["v"]);
    }

    // A ledger of records {"v": key} whose reads wait until Release; it counts them.
    private sealed class HeldLedger(IEnumerable<string> keys) : ILedger
    {
        private readonly HashSet<string> _keys = [.. keys];
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _roundTrips;

        public int RoundTrips => Volatile.Read(ref _roundTrips);

        public bool FailNext { get; set; }

        public string Location => "held";

        public long Count => _keys.Count;

        public void Release() => _released.TrySetResult();

        public async ValueTask<JsonNode?> TryGetAsync(string key, CancellationToken cancellationToken = default) =>
            (await TryGetManyAsync([key], cancellationToken))[0];

        public ValueTask<IReadOnlyList<JsonNode?>> TryGetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _roundTrips);
            return _released.Task.IsCompleted ? ValueTask.FromResult(Read(keys)) : new ValueTask<IReadOnlyList<JsonNode?>>(ReadLaterAsync(keys));
        }

        public ValueTask AppendAsync(string key, JsonNode record, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async IAsyncEnumerable<LedgerRecord> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }

        public ValueTask CompactAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private async Task<IReadOnlyList<JsonNode?>> ReadLaterAsync(IReadOnlyList<string> keys)
        {
            await _released.Task;
            return Read(keys);
        }

        private IReadOnlyList<JsonNode?> Read(IReadOnlyList<string> keys)
        {
            // The batch of queued lookups fails when asked to; the two lookups already at the ledger do not.
            if (FailNext && keys.Count > 1)
            {
                throw new LedgerException(Location, "The read failed.");
            }

            return [.. keys.Select(k => _keys.Contains(k) ? new JsonObject { ["v"] = k } : null)];
        }
    }
}
