using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// Gathers the broker's lookups in one ledger that arrive close together into one batched lookup
/// (<see cref="ILedger.TryGetManyAsync"/>), so a cached rerun on a ledger across the network (PostgreSQL) pays one round
/// trip per batch instead of one per entry.
/// </summary>
/// <remarks>
/// There is no timer: up to <see cref="InFlight"/> lookups go to the ledger at once, each as soon as it arrives, so a
/// lookup alone waits for nothing. Lookups arriving while those are under way queue, and the first lookup to finish
/// sends everything queued (up to <see cref="MaxKeys"/> keys) as its next batch. A ledger that answers at once (SQLite,
/// JSONL) never has a lookup queued behind the ones of the op's workers, so it is asked exactly as before.
/// </remarks>
internal sealed class LedgerLookups(ILedger ledger)
{
    /// <summary>
    /// How many batches may be asked of a ledger on this machine at once: as many as the machine has cores (at least 2),
    /// so a ledger that answers at once is read by as many threads as an op's first stage runs.
    /// </summary>
    public static int LocalInFlight { get; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// How many batches may be asked of this ledger at once: <see cref="LocalInFlight"/>, but one for a PostgreSQL
    /// ledger, whose server pays for each statement more than for its keys (a worker of a shared run otherwise sent
    /// twice as many lookups, most of them of one key, for the same entries).
    /// </summary>
    public int InFlight { get; } = ledger is Ledgers.PostgresLedger ? 1 : LocalInFlight;

    /// <summary>The most keys in one batch.</summary>
    public const int MaxKeys = 512;

    private readonly object _gate = new();
    private readonly Queue<Lookup> _queued = new();
    private int _running;

    /// <summary>The records under <paramref name="keys"/>, in their order (<see langword="null"/> where absent), asked of the ledger with whatever other lookups are waiting.</summary>
    /// <param name="keys">The keys to look up together: a request's key, or a fallback chain's members' keys.</param>
    /// <param name="cancellationToken">Stops waiting; a batch already sent still runs for the others in it.</param>
    /// <exception cref="LedgerException">The ledger failed to read; every lookup in the batch gets it.</exception>
    public async ValueTask<IReadOnlyList<JsonNode?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        Lookup? queued = null;
        lock (_gate)
        {
            if (_running < InFlight)
            {
                _running++;
            }
            else
            {
                queued = new Lookup(keys);
                _queued.Enqueue(queued);
            }
        }

        if (queued is not null)
        {
            return await queued.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return keys.Count == 1
                ? [await ledger.TryGetAsync(keys[0], cancellationToken).ConfigureAwait(false)]
                : await ledger.TryGetManyAsync(keys, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The lookups queued meanwhile go on without this caller waiting for them.
            _ = SendQueuedAsync();
        }
    }

    // Sends what queued meanwhile, batch after batch, until nothing is queued; then gives the place back. Never throws.
    private async Task SendQueuedAsync()
    {
        while (Next() is { } batch)
        {
            var keys = batch.SelectMany(lookup => lookup.Keys).ToArray();
            try
            {
                var found = await ledger.TryGetManyAsync(keys, CancellationToken.None).ConfigureAwait(false);
                var at = 0;
                foreach (var lookup in batch)
                {
                    var mine = new JsonNode?[lookup.Keys.Count];
                    for (var i = 0; i < mine.Length; i++)
                    {
                        mine[i] = found[at++];
                    }

                    lookup.Result.TrySetResult(mine);
                }
            }
            catch (Exception ex)
            {
                foreach (var lookup in batch)
                {
                    lookup.Result.TrySetException(ex);
                }
            }
        }
    }

    // The lookups queued, up to MaxKeys keys (at least one lookup); null, having given the place back, when none is.
    private List<Lookup>? Next()
    {
        lock (_gate)
        {
            if (_queued.Count == 0)
            {
                _running--;
                return null;
            }

            var batch = new List<Lookup> { _queued.Dequeue() };
            var keys = batch[0].Keys.Count;
            while (_queued.TryPeek(out var next) && keys + next.Keys.Count <= MaxKeys)
            {
                keys += next.Keys.Count;
                batch.Add(_queued.Dequeue());
            }

            return batch;
        }
    }

    private sealed class Lookup(IReadOnlyList<string> keys)
    {
        public IReadOnlyList<string> Keys { get; } = keys;

        public TaskCompletionSource<IReadOnlyList<JsonNode?>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
