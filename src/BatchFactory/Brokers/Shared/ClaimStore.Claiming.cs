using BatchFactory.Ledgers;
using Npgsql;

namespace BatchFactory.Brokers;

internal sealed partial class ClaimStore
{
    // One statement claims every key asked meanwhile. It first reads each key's claim as it stood when the statement
    // began (its snapshot), without locking it; only the keys with no claim, or one whose lease ran out, go on to the
    // insert, which inserts a claim or takes over one whose lease ran out (an answered or held claim is neither locked
    // nor written, so a worker asking for an answer it was told of costs the server a read). A key whose row another
    // worker committed after that snapshot, and which the insert therefore neither took nor sees, comes back with neither
    // a token nor a row (or, when the snapshot saw its lease run out, as held for no time): the caller asks again at
    // once. For an answered key it also says whether the ledger the caller named ($5, per key; null for none) holds a
    // record under it, read in the same snapshot. The keys are inserted in bytewise order, and answers and renewals are
    // sorted by key too, which makes deadlocks between workers' statements rare, not impossible (a join may lock rows in
    // another order): a deadlock the server reports rolls the statement back, and it runs again. A key the statement
    // would claim (no claim, or a lease run out) whose caller named a ledger holding a record under it is not claimed:
    // the record comes back instead (an earlier run's answer, or one a batch stored without a claim), so a caller that
    // did not look the ledger up first pays for nothing twice.
    private static readonly string ClaimSql = $"""
        WITH cur AS MATERIALIZED (
            SELECT u.k, u.l, u.i, r.answer, r.expires, r.worker, r.token,
                CASE WHEN u.l IS NOT NULL AND (r.token IS NULL OR (r.answer IS NULL AND r.expires < now())) THEN {PostgresLedger.RecordSql("u.l", "u.k")} END AS recorded
            FROM unnest($2::text[], $5::int[]) WITH ORDINALITY AS u(k, l, i)
            LEFT JOIN LATERAL (SELECT answer, expires, worker, token FROM batchfactory_claims WHERE scope = $1 AND key = u.k LIMIT 1) AS r ON true),
        ins AS (
            INSERT INTO batchfactory_claims AS c (scope, key, worker, token, expires)
            SELECT $1, k, $3, nextval('batchfactory_fence'), now() + $4 * interval '1 millisecond' FROM cur
            WHERE cur.recorded IS NULL AND (cur.token IS NULL OR (cur.answer IS NULL AND cur.expires < now())) ORDER BY k COLLATE "C"
            ON CONFLICT (scope, key) DO UPDATE SET worker = excluded.worker, token = excluded.token, expires = excluded.expires
                WHERE c.answer IS NULL AND c.expires < now()
            RETURNING c.key, c.token)
        SELECT cur.i, ins.token, cur.answer, CASE WHEN cur.token IS NOT NULL THEN greatest(extract(epoch FROM cur.expires - now()), 0)::float8 END,
            cur.worker, cur.token,
            cur.answer IS NOT NULL AND cur.l IS NOT NULL AND {PostgresLedger.HasRecordSql("cur.l", "cur.k")},
            cur.recorded
        FROM cur LEFT JOIN ins ON ins.key = cur.k
        """;

    /// <summary>Claims <paramref name="key"/> for this worker, unless it is answered or another worker's lease still runs.</summary>
    /// <remarks>
    /// The claims asked of one store at the same time go to the database as one statement (<see cref="GroupCommit{T}"/>):
    /// the first caller sends its own at once, those arriving meanwhile go together in the next. Cancelling does not stop
    /// a statement under way: a claim it took for a caller that was cancelled meanwhile is given up again.
    /// </remarks>
    public Task<Claim> TryClaimAsync(string key, CancellationToken cancellationToken) => TryClaimAsync(key, null, cancellationToken);

    /// <summary>
    /// <see cref="TryClaimAsync(string, CancellationToken)"/>, and for a request answered already, whether
    /// <paramref name="ledger"/> (one of this database's, see <see cref="Keeps"/>) holds its record (<see cref="Claim.InLedger"/>).
    /// </summary>
    public async Task<Claim> TryClaimAsync(string key, PostgresLedger? ledger, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var asked = new Asked<Claim?>(key, ledger?.Id);
            await _claiming.AddAsync(asked, CancellationToken.None).ConfigureAwait(false);
            if (await asked.Result.Task.ConfigureAwait(false) is not { } claim)
            {
                // Another worker claimed or released it just as this statement began: look again.
                continue;
            }

            if (claim.Token is { } token && cancellationToken.IsCancellationRequested)
            {
                await ReleaseQuietlyAsync(key, token).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            return claim;
        }
    }

    // Runs one claim statement for the batch, retrying it after a deadlock; never throws (each caller gets the error).
    private async ValueTask ClaimBatchAsync(List<Asked<Claim?>> batch)
    {
        try
        {
            foreach (var chunk in batch.Chunk(MaxKeysPerStatement))
            {
                await ClaimChunkAsync(chunk).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            var failure = ex is NpgsqlException or TimeoutException ? _connection.Failed(_connection.Description, "claim requests in", ex) : ex;
            foreach (var asked in batch)
            {
                asked.Result.TrySetException(failure);
            }
        }
    }

    private async Task ClaimChunkAsync(Asked<Claim?>[] chunk)
    {
        var (keys, of) = Distinct(chunk);

        // A key asked twice at once is looked up in the first ledger an asker named (the others are told nothing of theirs).
        var ledgers = new int?[keys.Length];
        for (var i = 0; i < chunk.Length; i++)
        {
            ledgers[of[i]] ??= chunk[i].Ledger;
        }

        var claims = await RetryAsync(attempt => ClaimOnceAsync(keys, ledgers, adopt: attempt > 1)).ConfigureAwait(false);

        // Held (renewed by the heartbeat) only once the statement has committed: a claim whose statement failed after
        // taking it is not renewed, and runs out with its lease.
        for (var i = 0; i < keys.Length; i++)
        {
            if (claims[i]?.Token is { } token)
            {
                _held[keys[i]] = token;
            }
        }

        var given = new bool[keys.Length];
        for (var i = 0; i < chunk.Length; i++)
        {
            var claim = claims[of[i]];

            // The same key asked twice at once: the first asker holds the claim, the second waits for its answer.
            if (claim?.Token is not null && given[of[i]])
            {
                claim = new Claim(null, null, _options.Lease);
            }

            if (claim is { InLedger: true } && chunk[i].Ledger != ledgers[of[i]])
            {
                claim = claim.Value with { InLedger = false };
            }

            given[of[i]] = true;
            chunk[i].Result.TrySetResult(claim);
        }
    }

    // The claim of each key, in order; null where the key must be asked again. The reader is disposed before this
    // returns, so a failure at commit is thrown here. When the statement runs again after a failure (`adopt`), a claim
    // this worker holds but does not know of is taken as its own: the failed run had in fact committed it, and without
    // its token every worker would wait out its lease.
    private async Task<Claim?[]> ClaimOnceAsync(string[] keys, int?[] ledgers, bool adopt)
    {
        var claims = new Claim?[keys.Length];
        await using (var claim = _source.CreateCommand(ClaimSql))
        {
            Add(claim, _scope, keys, Worker, _options.Lease.TotalMilliseconds, ledgers);
            await using var reader = await claim.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var i = (int)reader.GetInt64(0) - 1;
                if (!reader.IsDBNull(1))
                {
                    claims[i] = new Claim(null, reader.GetInt64(1), TimeSpan.Zero);
                }
                else if (!reader.IsDBNull(2))
                {
                    claims[i] = new Claim(reader.GetString(2), null, TimeSpan.Zero, reader.GetBoolean(6));
                }
                else if (!reader.IsDBNull(7))
                {
                    claims[i] = new Claim(reader.GetString(7), null, TimeSpan.Zero, InLedger: true, Recorded: true);
                }
                else if (adopt && !reader.IsDBNull(5) && reader.GetString(4) == Worker && !_held.ContainsKey(keys[i]))
                {
                    claims[i] = new Claim(null, reader.GetInt64(5), TimeSpan.Zero);
                }
                else if (!reader.IsDBNull(3))
                {
                    claims[i] = new Claim(null, null, TimeSpan.FromSeconds(reader.GetDouble(3)));
                }
            }
        }

        return claims;
    }

    // The batch's distinct keys, and for each item the index of its key among them.
    private static (string[] Keys, int[] Of) Distinct<T>(Asked<T>[] batch)
    {
        var index = new Dictionary<string, int>(batch.Length, StringComparer.Ordinal);
        var keys = new List<string>(batch.Length);
        var of = new int[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            if (!index.TryGetValue(batch[i].Key, out of[i]))
            {
                of[i] = keys.Count;
                index.Add(batch[i].Key, of[i]);
                keys.Add(batch[i].Key);
            }
        }

        return ([.. keys], of);
    }

    private async Task ReleaseQuietlyAsync(string key, long token)
    {
        try
        {
            await ReleaseAsync(key, token).ConfigureAwait(false);
        }
        catch (LedgerException)
        {
            // The database is out of reach: the claim runs out with its lease (it is no longer held, so no heartbeat renews it).
        }
    }

    // Runs a batch's statement again after a deadlock (the server rolled it back as a whole) or a transient failure (a
    // broken connection, a server restarting: the pool's idle connections, dead too, are closed first): every batched
    // statement is fenced, so running it again is safe.
    private async Task<T> RetryAsync<T>(Func<int, Task<T>> statement)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await statement(attempt).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                // The statement was rolled back as a whole: run it again.
            }
            catch (NpgsqlException ex) when (ex.IsTransient && attempt < 3)
            {
                _source.Clear();
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt)).ConfigureAwait(false);
            }
        }
    }

    // One caller's key in a batch, and what the batch found for it.
    private sealed class Asked<T>(string key, int? ledger = null)
    {
        public string Key { get; } = key;

        // The number of the ledger to look the key up in, if answered (claims only).
        public int? Ledger { get; } = ledger;

        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
