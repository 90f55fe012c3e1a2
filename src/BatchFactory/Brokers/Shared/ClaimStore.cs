using System.Collections.Concurrent;
using BatchFactory.Ledgers;
using Npgsql;

namespace BatchFactory.Brokers;

/// <summary>
/// The claims of one project's shared run, in PostgreSQL (<c>batchfactory_claims</c>): which worker answers which
/// request, until when (a lease on the database's clock, renewed by a heartbeat while the call runs), under which
/// fencing token, and, once answered, the answer, announced with <c>NOTIFY</c> to the workers waiting for it.
/// The claims asked of one store at the same time are one statement, and so are the answers stored
/// (<see cref="GroupCommit{T}"/>): a worker's entries pay a round trip per batch, not each its own.
/// </summary>
internal sealed partial class ClaimStore : IDisposable
{
    private readonly PostgresPoolShare _pool;
    private readonly NpgsqlDataSource _source;
    private readonly IDisposable _listening;
    private readonly PostgresConnection _connection;
    private readonly string _scope;
    private readonly SharingOptions _options;
    private readonly ConcurrentDictionary<string, long> _held = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;
    private readonly GroupCommit<Asked<Claim?>> _claiming;
    private readonly GroupCommit<Given> _completing;

    /// <param name="connection">The project's database.</param>
    /// <param name="scope">What the claims are kept under: the project and version, so two projects never share answers by accident.</param>
    /// <param name="options">Lease, heartbeat, polling, the worker's name.</param>
    /// <param name="durable">
    /// Whether each claim's commit waits for the server's disk, as the project's ledgers do (<see cref="LedgerOptions.Durable"/>).
    /// Otherwise (the default, like the ledgers) a claim survives any worker and the server process dying, and only a crash
    /// of the server's machine may lose its last fraction of a second of claims: a request whose claim was lost may then be
    /// sent again, never answered twice.
    /// </param>
    public ClaimStore(PostgresConnection connection, string scope, SharingOptions options, bool durable = false)
    {
        _connection = connection;
        _scope = scope;
        _options = options;
        // Notifications come through the process's one listening connection to the database, which opens with the first watch.
        _listening = connection.AnswersListener.Subscribe(Wake, Lost);

        // Generic plans: a new project's claims are unknown to the statistics, and a plan made for its scope would read
        // all of its claims to answer a few keys (see PostgresConnection.CreateDataSource). The pool is the connection's,
        // shared by the process's claim stores and kept warm between runs (PostgresConnection.SharePool).
        _pool = connection.SharePool(durable, genericPlans: true);
        _source = _pool.Source;

        // The batches never fail as a whole (each caller gets its statement's error), so neither is ever faulted.
        _claiming = new GroupCommit<Asked<Claim?>>(ClaimBatchAsync, ex => ex);
        _completing = new GroupCommit<Given>(CompleteBatchAsync, ex => ex);
        _heartbeat = options.Heartbeat is { } every ? Task.Run(() => BeatAsync(every)) : Task.CompletedTask;
    }

    /// <summary>The worker's name in the claims table.</summary>
    public string Worker => _options.WorkerName;

    /// <summary>
    /// <paramref name="ledger"/> if it is a ledger of this store's database, whose records an answer can be stored with
    /// in one transaction (<see cref="CompleteAsync(string, long, string, PostgresLedger?, string?, CancellationToken)"/>);
    /// otherwise <see langword="null"/>.
    /// </summary>
    public PostgresLedger? Keeps(ILedger? ledger) => ledger is PostgresLedger kept && ReferenceEquals(kept.Connection, _connection) ? kept : null;

    /// <summary>Gives up this worker's claim (its call failed), so another worker, or this one later, may try; wakes the waiters.</summary>
    public async Task ReleaseAsync(string key, long token)
    {
        _held.TryRemove(new KeyValuePair<string, long>(key, token));
        await using var release = _source.CreateCommand($"""
            WITH gone AS (DELETE FROM batchfactory_claims WHERE scope = $1 AND key = $2 AND token = $3 AND answer IS NULL RETURNING key),
                told AS (SELECT pg_notify('{PostgresSchema.AnswersChannel}', $1 || E'\n' || key) FROM gone)
            SELECT count(*) FROM told
            """);
        Add(release, _scope, key, token);
        await Run(() => release.ExecuteScalarAsync(CancellationToken.None), "release a claim in").ConfigureAwait(false);
    }

    /// <summary>The fencing token of this worker's claim on <paramref name="key"/>, while it holds one (claimed, neither completed nor released).</summary>
    public long? HeldToken(string key) => _held.TryGetValue(key, out var token) ? token : null;

    /// <summary>The keys starting with <paramref name="prefix"/> this worker holds, with their tokens.</summary>
    public KeyValuePair<string, long>[] Held(string prefix) => [.. _held.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))];

    /// <summary>The per-minute limits shared by the workers of this project, on this store's connections.</summary>
    /// <param name="window">How long a grant counts: a minute, but for tests.</param>
    public SharedLimiter Limiter(TimeSpan window) => new(_source, _connection, _scope, window, _options.Lease);

    /// <summary>Stops the heartbeat, stops listening, and gives back the share of the connection's pool.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _ = _heartbeat.ContinueWith(_ => _stop.Dispose(), TaskScheduler.Default);
        _ = _pool.DisposeAsync().AsTask();
        _listening.Dispose();
    }

    // Renews the leases of every claim this worker holds, in one statement, every `every`.
    private async Task BeatAsync(TimeSpan every)
    {
        try
        {
            while (true)
            {
                await Task.Delay(every, _stop.Token).ConfigureAwait(false);
                // In bytewise order of the keys, the order claims lock rows in.
                var held = _held.ToArray();
                Array.Sort(held, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                if (held.Length == 0)
                {
                    continue;
                }

                await using var renew = _source.CreateCommand("""
                    UPDATE batchfactory_claims c SET expires = now() + $2 * interval '1 millisecond'
                    FROM unnest($3::text[], $4::bigint[]) AS h(k, t)
                    WHERE c.scope = $1 AND c.key = h.k AND c.token = h.t AND c.answer IS NULL
                    """);
                Add(renew, _scope, _options.Lease.TotalMilliseconds, held.Select(p => p.Key).ToArray(), held.Select(p => p.Value).ToArray());
                try
                {
                    await renew.ExecuteNonQueryAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    // The next beat tries again; a lease that runs out meanwhile is taken over, and the fence keeps the answer single.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void Add(NpgsqlCommand command, params object[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
    }

    private async Task<T> Run<T>(Func<Task<T>> statement, string doing)
    {
        try
        {
            return await statement().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw _connection.Failed(_connection.Description, doing, ex);
        }
    }
}
