using Npgsql;

namespace BatchFactory.Ledgers;

/// <summary>
/// One user's share of a <see cref="PostgresConnection"/>'s connection pool (<see cref="PostgresConnection.SharePool"/>):
/// every ledger (and claim store) of one connection with the same kind of session uses one <see cref="NpgsqlDataSource"/>,
/// so a worker keeps one set of connections to the database rather than one per ledger, and a ledger opened later finds
/// them open and warm (the first few hundred queries on a new server connection are several times slower). The pool
/// closes a while after the last share is disposed (<see cref="PostgresConnection.PoolLinger"/>).
/// </summary>
internal sealed class PostgresPoolShare(PostgresConnection connection, bool durable, bool genericPlans, NpgsqlDataSource source) : IAsyncDisposable
{
    private int _released;

    /// <summary>The shared pool.</summary>
    public NpgsqlDataSource Source { get; } = source;

    /// <summary>Gives the share back; the pool closes a while after the last. Safe to call more than once.</summary>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? connection.ReleasePoolAsync(durable, genericPlans) : ValueTask.CompletedTask;
}
