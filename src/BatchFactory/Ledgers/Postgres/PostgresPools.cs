using Npgsql;

namespace BatchFactory.Ledgers;

/// <summary>
/// The connection pools of one <see cref="PostgresConnection"/>, one per kind of session (durable or not, generic plans
/// or not), each shared by every ledger and claim store of the connection (<see cref="PostgresPoolShare"/>). A pool
/// whose last share is given back stays open for <see cref="Linger"/>, so that the next project or run of the process
/// finds its connections open and warm: a new server connection costs the server a process, and its first few hundred
/// statements run several times slower while it fills its caches.
/// </summary>
/// <param name="create">Makes the pool of a kind (durable, generic plans).</param>
/// <param name="closedAll">Called when the last open pool has closed.</param>
internal sealed class PostgresPools(Func<bool, bool, NpgsqlDataSource> create, Action? closedAll = null)
{
    /// <summary>How long a pool stays open after its last share is given back, unless set otherwise: one minute (the tests shorten it).</summary>
    public static TimeSpan DefaultLinger { get; set; } = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<(bool Durable, bool GenericPlans), Pool> _pools = [];

    /// <summary>How long a pool stays open after its last share is given back; zero closes it at once.</summary>
    public TimeSpan Linger { get; set; } = DefaultLinger;

    /// <summary>A share of the pool for sessions of this kind, opened if none is open.</summary>
    public NpgsqlDataSource Take(bool durable, bool genericPlans)
    {
        lock (_gate)
        {
            if (!_pools.TryGetValue((durable, genericPlans), out var pool))
            {
                pool = new Pool(create(durable, genericPlans));
                _pools.Add((durable, genericPlans), pool);
            }

            pool.Shares++;
            pool.Closing?.Dispose();
            pool.Closing = null;
            return pool.Source;
        }
    }

    /// <summary>Gives back a share of that kind's pool; after the last, the pool closes once <see cref="Linger"/> passes with no share taken.</summary>
    public ValueTask GiveBackAsync(bool durable, bool genericPlans)
    {
        Pool pool;
        lock (_gate)
        {
            pool = _pools[(durable, genericPlans)];
            if (--pool.Shares > 0)
            {
                return ValueTask.CompletedTask;
            }

            if (Linger > TimeSpan.Zero)
            {
                var round = ++pool.Round;
                pool.Closing = new Timer(_ => _ = CloseIfIdleAsync((durable, genericPlans), pool, round), null, Linger, Timeout.InfiniteTimeSpan);
                return ValueTask.CompletedTask;
            }

            _pools.Remove((durable, genericPlans));
        }

        return CloseAsync(pool);
    }

    // Closes the pool if no share was taken since the round of its last give-back.
    private ValueTask CloseIfIdleAsync((bool, bool) kind, Pool pool, int round)
    {
        lock (_gate)
        {
            if (pool.Shares > 0 || pool.Round != round || !_pools.TryGetValue(kind, out var current) || current != pool)
            {
                return ValueTask.CompletedTask;
            }

            _pools.Remove(kind);
            pool.Closing?.Dispose();
            pool.Closing = null;
        }

        return CloseAsync(pool);
    }

    private ValueTask CloseAsync(Pool pool)
    {
        bool none;
        lock (_gate)
        {
            none = _pools.Count == 0;
        }

        if (none)
        {
            closedAll?.Invoke();
        }

        return pool.Source.DisposeAsync();
    }

    private sealed class Pool(NpgsqlDataSource source)
    {
        public NpgsqlDataSource Source { get; } = source;

        public int Shares { get; set; }

        // Counts the give-backs of the last share, so that a timer of an earlier one closes nothing.
        public int Round { get; set; }

        public Timer? Closing { get; set; }
    }
}
