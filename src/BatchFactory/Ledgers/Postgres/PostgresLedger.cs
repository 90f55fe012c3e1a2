using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Npgsql;

namespace BatchFactory.Ledgers;

/// <summary>
/// A ledger kept in PostgreSQL (table <c>batchfactory_records</c>, see <see cref="PostgresSchema"/>): one row per key
/// holding its current record, so many processes on many machines can share it. Concurrent appends are grouped into
/// one multi-row upsert; lookups of many keys are one query.
/// </summary>
/// <remarks>
/// Unlike the file backends, any number of processes may have the ledger open at once: that is how the workers of one
/// run share their answers. <see cref="Count"/> is the keys there were on open plus those this process added since.
/// Durability: by default the ledger's sessions run with <c>synchronous_commit = off</c>, the counterpart of SQLite's
/// <c>synchronous=NORMAL</c>: an acknowledged append survives any worker being killed and the server restarting, but
/// a crash of the server's machine may lose its last fraction of a second of appends. With
/// <see cref="LedgerOptions.Durable"/> each commit waits for the server's disk. <see cref="FlushAsync"/> waits for
/// appends under way.
/// </remarks>
internal sealed class PostgresLedger : ILedger
{
    // Lookup queries of one TryGetManyAsync under way at once, and the keys each asks: at least enough to amortise the
    // round trip, at most enough to keep each query quick.
    private const int LookupParallelism = 4;
    private const int MinLookupPart = 250;
    private const int MaxLookupPart = 5000;

    private readonly PostgresPoolShare _pool;
    private readonly NpgsqlDataSource _source;
    private readonly PostgresConnection _connection;
    private readonly string _name;
    private readonly GroupCommit<(string Key, string Value)> _commit;
    private int _ledger;
    private long _count;
    private int _disposed;

    private PostgresLedger(PostgresPoolShare pool, PostgresConnection connection, LedgerLocation location)
    {
        _pool = pool;
        _source = pool.Source;
        _connection = connection;
        _name = Name(location);
        Location = $"{connection.Description} ledger {location}";
        _commit = new GroupCommit<(string, string)>(WriteBatchAsync, ex => connection.Failed(Location, "append to", ex));
    }

    /// <inheritdoc/>
    /// <remarks>The database without the password, and the ledger's project, version and name.</remarks>
    public string Location { get; }

    /// <inheritdoc/>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The ledger's number in <c>batchfactory_ledgers</c>, which its records carry.</summary>
    internal int Id => _ledger;

    /// <summary>The database the ledger is kept in.</summary>
    internal PostgresConnection Connection => _connection;

    /// <summary>
    /// The upsert of the records in <paramref name="rows"/> (a relation of the enclosing statement, with columns
    /// <c>ledger</c>, <c>key</c> and <c>value</c>), for a statement that writes records with other rows in one
    /// transaction; as <see cref="AppendAsync"/> writes them (in bytewise order of the keys), returning each key and
    /// whether it was new (<c>added</c>). Whoever runs it reports the keys added with <see cref="Added"/>.
    /// </summary>
    internal static string UpsertSql(string rows) => $"""
        INSERT INTO batchfactory_records AS r (ledger, key, value)
        SELECT ledger, key, value FROM {rows} ORDER BY ledger, key COLLATE "C"
        ON CONFLICT (ledger, key) DO UPDATE SET value = excluded.value, seq = excluded.seq
        RETURNING r.ledger, r.key, (r.xmax = 0) AS added
        """;

    /// <summary>Whether the ledger numbered <paramref name="ledger"/> holds a record under <paramref name="key"/> (both SQL expressions of the enclosing statement).</summary>
    internal static string HasRecordSql(string ledger, string key) =>
        $"EXISTS (SELECT 1 FROM batchfactory_records WHERE ledger = {ledger} AND key = {key})";

    /// <summary>SQL giving the record (text) of ledger number <paramref name="ledger"/> under <paramref name="key"/>, or null.</summary>
    internal static string RecordSql(string ledger, string key) =>
        $"(SELECT value FROM batchfactory_records WHERE ledger = {ledger} AND key = {key})";

    /// <summary>Counts <paramref name="keys"/> new keys written to this ledger by a statement of <see cref="UpsertSql"/>.</summary>
    internal void Added(int keys) => Interlocked.Add(ref _count, keys);

    /// <summary>What a ledger at <paramref name="location"/> is called in <c>batchfactory_ledgers</c>: <c>project/version/name</c>.</summary>
    public static string Name(LedgerLocation location) => $"{location.Project}/{location.Version}/{location.Name}";

    /// <summary>Opens (creating the tables if needed) the ledger at <paramref name="location"/>.</summary>
    /// <exception cref="LedgerException">The database cannot be reached, or holds a newer schema.</exception>
    public static async Task<PostgresLedger> OpenAsync(PostgresConnection connection, LedgerLocation location, LedgerOptions options, CancellationToken cancellationToken)
    {
        var pool = connection.SharePool(options.Durable);
        var source = pool.Source;
        var ledger = new PostgresLedger(pool, connection, location);
        try
        {
            try
            {
                await ledger.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (ex.IsTransient)
            {
                // The pool outlives projects (PostgresConnection.PoolLinger): after the server restarted, its idle
                // connections are dead, and the first statement meets one. Close them and try once more on new ones.
                source.Clear();
                await ledger.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return ledger;
        }
        catch (Exception ex)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
            if (ex is NpgsqlException or TimeoutException)
            {
                throw connection.Failed(ledger.Location, "open the ledger", ex);
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask AppendAsync(string key, JsonNode record, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfDisposed();
        return _commit.AddAsync((key, record.ToJsonString()), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<JsonNode?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        try
        {
            await using var command = _source.CreateCommand("SELECT value FROM batchfactory_records WHERE ledger = $1 AND key = $2");
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _ledger });
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string value ? JsonNode.Parse(value) : null;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw _connection.Failed(Location, "read from", ex);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Many keys are split into parts of about equal size (at least 250 keys each, at most 5,000), up to four of them
    /// queried at once on separate connections, so the server works on them in parallel. Each row that comes back
    /// carries the key's position in its part rather than the key itself, so only the values cross the wire; a key
    /// asked twice gets two records.
    /// </remarks>
    public async ValueTask<IReadOnlyList<JsonNode?>> TryGetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ThrowIfDisposed();
        var results = new JsonNode?[keys.Count];
        var parts = Math.Max(Math.Clamp(Ceiling(keys.Count, MinLookupPart), 1, LookupParallelism), Ceiling(keys.Count, MaxLookupPart));
        var size = Ceiling(keys.Count, parts);
        try
        {
            if (parts == 1)
            {
                await LookUpAsync(keys, 0, keys.Count, results, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Parallel.ForEachAsync(
                    Enumerable.Range(0, parts),
                    new ParallelOptions { MaxDegreeOfParallelism = LookupParallelism, CancellationToken = cancellationToken },
                    async (p, token) => await LookUpAsync(keys, p * size, Math.Min(size, keys.Count - (p * size)), results, token).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw _connection.Failed(Location, "read from", ex);
        }

        return results;
    }

    private static int Ceiling(int count, int per) => (count + per - 1) / per;

    // Looks up keys[start..start+count) in one query, into the same places of results.
    private async Task LookUpAsync(IReadOnlyList<string> keys, int start, int count, JsonNode?[] results, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return;
        }

        var chunk = new string[count];
        for (var i = 0; i < count; i++)
        {
            chunk[i] = keys[start + i];
        }

        // The lateral subquery (kept apart by its LIMIT) probes the key index once per key whatever the planner
        // believes of the table: a join or "key = ANY" may be planned as a scan of the ledger when the statistics
        // lag behind a large append.
        await using var command = _source.CreateCommand("""
            SELECT k.i, r.value FROM unnest($2::text[]) WITH ORDINALITY AS k(key, i)
            CROSS JOIN LATERAL (SELECT value FROM batchfactory_records WHERE ledger = $1 AND key = k.key LIMIT 1) AS r
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _ledger });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = chunk });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            results[start + (int)reader.GetInt64(0) - 1] = JsonNode.Parse(reader.GetString(1));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<LedgerRecord> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        // "seq > 0", always true, is the order index's predicate: it lets this query use that index (see PostgresSchema).
        await using var command = _source.CreateCommand("SELECT key, value FROM batchfactory_records WHERE ledger = $1 AND seq > 0 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _ledger });
        NpgsqlDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw _connection.Failed(Location, "read from", ex);
        }

        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new LedgerRecord(reader.GetString(0), JsonNode.Parse(reader.GetString(1))!);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The table already holds only the current record of each key, so this waits for appends under way and then has
    /// the server reclaim the space of replaced rows (<c>VACUUM</c>), which reads and appends of other workers do not wait for.
    /// </remarks>
    public async ValueTask CompactAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await _commit.ExclusiveAsync(
            async () =>
            {
                try
                {
                    await using var vacuum = _source.CreateCommand("VACUUM batchfactory_records");
                    await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    throw _connection.Failed(Location, "compact", ex);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Waits for appends under way, then commits a transaction with <c>synchronous_commit = on</c> (it takes a
    /// transaction id so that it has a commit record to flush), which returns once the server's log is on its disk up
    /// to it, and so holds every earlier append.
    /// </remarks>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await _commit.ExclusiveAsync(
            async () =>
            {
                try
                {
                    await using var db = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    await using var transaction = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (var flush = new NpgsqlCommand("SET LOCAL synchronous_commit = on; SELECT txid_current()", db, transaction))
                    {
                        await flush.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    throw _connection.Failed(Location, "flush", ex);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    // Makes sure of the schema, and reads the ledger's number and count.
    private async Task ReadAsync(PostgresConnection connection, CancellationToken cancellationToken)
    {
        await PostgresSchema.EnsureAsync(_source, connection, cancellationToken).ConfigureAwait(false);
        _ledger = await PostgresSchema.LedgerIdAsync(_source, _name, cancellationToken).ConfigureAwait(false);
        await using var count = _source.CreateCommand("SELECT count(*) FROM batchfactory_records WHERE ledger = $1 AND seq > 0");
        count.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _ledger });
        _count = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Writes what is pending and gives back the ledger's share of the connection pool (closed a while after the last share of its connection is given back, see <see cref="PostgresConnection.PoolLinger"/>). Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await _commit.ExclusiveAsync(() => ValueTask.FromResult(true), CancellationToken.None).ConfigureAwait(false);
        }
        catch (LedgerException)
        {
            // A failed write already told its caller.
        }
        finally
        {
            _commit.Dispose();
            await _pool.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Location;

    // One upsert for the batch. A key appended twice in it keeps its last record (an upsert may touch a row only once);
    // the keys go in sorted order, so the upserts of many workers lock rows in one order and cannot deadlock each other
    // (the records of one batch were appended concurrently, so no order among them was promised). Should the server still
    // report a deadlock or a serialization failure, the batch is tried again.
    private async ValueTask WriteBatchAsync(List<(string Key, string Value)> batch)
    {
        var last = new Dictionary<string, string>(batch.Count, StringComparer.Ordinal);
        foreach (var (key, value) in batch)
        {
            last[key] = value;
        }

        var keys = last.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        var values = Array.ConvertAll(keys, k => last[k]);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Interlocked.Add(ref _count, await UpsertAsync(keys, values).ConfigureAwait(false));
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 5)
            {
            }
        }
    }

    // How many of the keys were new.
    private async Task<int> UpsertAsync(string[] keys, string[] values)
    {
        await using var command = _source.CreateCommand("""
            INSERT INTO batchfactory_records (ledger, key, value)
            SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t(k, v)
            ON CONFLICT (ledger, key) DO UPDATE SET value = excluded.value, seq = excluded.seq
            RETURNING (xmax = 0)
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _ledger });
        command.Parameters.Add(new NpgsqlParameter { Value = keys });
        command.Parameters.Add(new NpgsqlParameter { Value = values });
        var added = 0;
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            added += reader.GetBoolean(0) ? 1 : 0;
        }

        return added;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
}
