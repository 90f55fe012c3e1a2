using System.Globalization;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Entries.Scopes;

namespace BatchFactory.Operators;

/// <summary>
/// A checkpoint's body work divided between the workers of a shared run (a project on PostgreSQL): before an entry
/// goes into the body, its (idx, rev) is claimed in the run's <see cref="ClaimStore"/> under a key of the checkpoint's
/// own (<c>checkpoint:&lt;ledger&gt;:&lt;idx&gt;@&lt;rev&gt;</c>, apart from the model requests' keys). The worker that
/// holds the claim runs the body and stores the entry under the claim's fencing token; the others wait for it (notified,
/// or polling) and take the stored entry, or claim the entry again when the holder's lease runs out. At most
/// <see cref="Statements"/> database statements of one checkpoint half (claims, and the entrance's ledger lookups) run at a time, so the many entries that wait (and hold no
/// thread) never take more than that of the database's connections.
/// </summary>
internal sealed class CheckPointClaims(ClaimStore claims, string ledgerName)
{
    /// <summary>How many claim statements one half of a checkpoint runs at a time.</summary>
    public const int Statements = 8;

    private readonly string _prefix = "checkpoint:" + ledgerName + ":";
    private readonly SemaphoreSlim _statements = new(Statements);

    /// <summary>The claim key of <paramref name="entry"/>: always per (idx, rev), whether or not only the latest rev is kept.</summary>
    public string KeyOf(Entry entry) => string.Create(CultureInfo.InvariantCulture, $"{_prefix}{entry.Idx}@{entry.Rev}");

    /// <summary>
    /// Claims <paramref name="entry"/>'s body work for this worker (returns <see langword="null"/>: run the body), or
    /// waits until another worker stored it and returns the stored record.
    /// </summary>
    public async Task<JsonNode?> ClaimOrWaitAsync(Entry entry, CancellationToken cancellationToken)
    {
        var key = KeyOf(entry);
        while (true)
        {
            var watch = await claims.WatchAsync(key, cancellationToken).ConfigureAwait(false);
            var claim = await OneAtATimeAsync(() => claims.TryClaimAsync(key, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (claim.Answer is not null || claim.Token is not null)
            {
                claims.Unwatch(key, watch);
                return claim.Answer is { } stored ? JsonNode.Parse(stored) : null;
            }

            await claims.WaitAsync(key, watch, claim.HeldFor, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores <paramref name="record"/> (the entry as it came out of the body) under this worker's claim. Returns
    /// <see langword="null"/> when it was stored (the caller then appends it to the ledger too); when this worker's
    /// claim was taken over meanwhile (it stalled past its lease), returns the record of the worker that took over,
    /// waiting for it if needed, so every worker ends with the same entry.
    /// </summary>
    public async Task<JsonNode?> CompleteAsync(Entry entry, string record, CancellationToken cancellationToken)
    {
        var key = KeyOf(entry);
        while (claims.HeldToken(key) is { } token)
        {
            if (await OneAtATimeAsync(() => claims.CompleteAsync(key, token, record, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            if (await ClaimOrWaitAsync(entry, cancellationToken).ConfigureAwait(false) is { } theirs)
            {
                return theirs;
            }
        }

        // Not claimed here (the run is not shared for this entry): nothing to compare with.
        return null;
    }

    /// <summary>
    /// Sends <paramref name="entry"/>, claimed by this worker, into the body: should the body drop it (and whatever it
    /// became), its claim is given up at once, so a worker waiting for it claims it and runs the body for it itself.
    /// The exit calls <see cref="TripScope.Left"/> once the entry is stored.
    /// </summary>
    public void IntoBody(Entry entry)
    {
        var key = KeyOf(entry);
        TripScope.Enter(entry, () => _ = ReleaseAsync(key));
    }

    /// <summary>
    /// Gives up the claims this worker still holds for this checkpoint once its body is done (the run stopped with
    /// entries still inside it, say): nothing will store them now.
    /// </summary>
    public async Task ReleaseRemainingAsync()
    {
        foreach (var (key, _) in claims.Held(_prefix))
        {
            await ReleaseAsync(key).ConfigureAwait(false);
        }
    }

    // Gives up this worker's claim on key, if it still holds it (an entry stored has none left).
    private async Task ReleaseAsync(string key)
    {
        if (claims.HeldToken(key) is not { } token)
        {
            return;
        }

        try
        {
            await claims.ReleaseAsync(key, token).ConfigureAwait(false);
        }
        catch (LedgerException)
        {
            // The database is out of reach: the claim runs out with its lease instead.
        }
    }

    /// <summary>Runs <paramref name="statement"/> (a database statement) within this half's <see cref="Statements"/>.</summary>
    public async Task<T> OneAtATimeAsync<T>(Func<Task<T>> statement, CancellationToken cancellationToken)
    {
        await _statements.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await statement().ConfigureAwait(false);
        }
        finally
        {
            _statements.Release();
        }
    }
}
