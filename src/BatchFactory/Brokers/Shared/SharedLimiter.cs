using BatchFactory.Ledgers;
using Npgsql;

namespace BatchFactory.Brokers;

/// <summary>
/// Per-minute limits shared by every worker of a project, kept in PostgreSQL (<c>batchfactory_grants</c>) as a sliding
/// log on the database's clock, the same rule as the in-process <see cref="Resilience.SlidingLogRateLimiter"/>: what a call
/// takes counts while the call is under way and for one window after it ended, so no window ever holds more than the
/// limit, however many workers share it. A call under way has its grant's <c>at</c> one claim lease ahead, so the grant
/// of a worker that died mid-call is given back a lease and a window later. Each limit
/// is taken under a transaction-scoped advisory lock of its own; a worker waiting for room looks again when the oldest
/// ended grant leaves the window, or after 20 ms while only calls under way fill it.
/// </summary>
internal sealed class SharedLimiter(NpgsqlDataSource source, PostgresConnection connection, string scope, TimeSpan window, TimeSpan lease)
{
    /// <summary>Waits until <paramref name="amount"/> (cut to <paramref name="limit"/>) fits in limit <paramref name="name"/>, and takes it.</summary>
    /// <returns>The grant, to <see cref="SettleAsync"/> when the call ends.</returns>
    public async Task<long> AcquireAsync(string name, long limit, long amount, CancellationToken cancellationToken)
    {
        amount = Math.Clamp(amount, 1, limit);
        while (true)
        {
            var (granted, wait) = await TryAcquireAsync(name, limit, amount, cancellationToken).ConfigureAwait(false);
            if (granted is { } id)
            {
                return id;
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The call ended: its grant counts for a window from now (so the limit holds as the provider sees the calls too),
    /// at <paramref name="used"/> when the provider said how much it used, else at what was reserved.
    /// </summary>
    public async Task SettleAsync(long grant, long? used)
    {
        await using var settle = source.CreateCommand("UPDATE batchfactory_grants SET at = clock_timestamp(), amount = coalesce($2, amount) WHERE id = $1");
        settle.Parameters.Add(new NpgsqlParameter { Value = grant });
        settle.Parameters.Add(new NpgsqlParameter { Value = used.HasValue ? used.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        try
        {
            await settle.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw connection.Failed(connection.Description, "settle a shared rate limit in", ex);
        }
    }

    private static NpgsqlBatchCommand Statement(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    // The grant's id, or how long to wait before the oldest grant leaves the window.
    private async Task<(long? Granted, TimeSpan Wait)> TryAcquireAsync(string name, long limit, long amount, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var look = new NpgsqlBatch(db, transaction))
            {
                look.BatchCommands.Add(Statement("SELECT pg_advisory_xact_lock(hashtextextended($1 || E'\\n' || $2, 0))", scope, name));
                look.BatchCommands.Add(Statement("DELETE FROM batchfactory_grants WHERE scope = $1 AND name = $2 AND at < clock_timestamp() - $3 * interval '1 millisecond'", scope, name, window.TotalMilliseconds));
                look.BatchCommands.Add(Statement(
                    "SELECT coalesce(sum(amount), 0)::bigint, coalesce(extract(epoch FROM min(at) FILTER (WHERE at <= clock_timestamp()) + $3 * interval '1 millisecond' - clock_timestamp()), 0.02)::float8 FROM batchfactory_grants WHERE scope = $1 AND name = $2",
                    scope,
                    name,
                    window.TotalMilliseconds));
                await using var reader = await look.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                // The lock's result, then (the DELETE returns none) the sum's.
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var (used, oldestLeavesIn) = (reader.GetInt64(0), reader.GetDouble(1));
                if (used + amount > limit)
                {
                    return (null, TimeSpan.FromSeconds(Math.Max(oldestLeavesIn, 0.005)));
                }
            }

            await using var take = new NpgsqlCommand("INSERT INTO batchfactory_grants (scope, name, at, amount) VALUES ($1, $2, clock_timestamp() + $4 * interval '1 millisecond', $3) RETURNING id", db, transaction);
            take.Parameters.Add(new NpgsqlParameter { Value = scope });
            take.Parameters.Add(new NpgsqlParameter { Value = name });
            take.Parameters.Add(new NpgsqlParameter { Value = amount });
            take.Parameters.Add(new NpgsqlParameter { Value = lease.TotalMilliseconds });
            var id = (long)(await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (id, TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw connection.Failed(connection.Description, "take a shared rate limit in", ex);
        }
    }
}
