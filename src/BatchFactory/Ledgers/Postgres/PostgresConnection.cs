using Npgsql;

namespace BatchFactory.Ledgers;

/// <summary>
/// A PostgreSQL connection string, checked once, with a description that leaves the password out
/// (<c>postgresql://user@host:port/database</c>) for locations, logs and errors.
/// </summary>
internal sealed class PostgresConnection
{
    /// <summary>The environment variable a connection string is read from when none is given: <c>BATCHFACTORY_POSTGRES</c>.</summary>
    public const string EnvironmentVariable = "BATCHFACTORY_POSTGRES";

    private readonly string _connectionString;
    private readonly string? _password;
    // The connections of the process by connection string (as completed by the library), so that every backend made for
    // one database shares its pools (see For).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PostgresConnection> Known = new(StringComparer.Ordinal);

    private readonly PostgresPools _pools;

    /// <exception cref="ArgumentException">The connection string is empty or cannot be read, or names no host.</exception>
    public PostgresConnection(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            // The framework's message may quote the string, password and all: give only what is wrong.
            throw new ArgumentException($"The PostgreSQL connection string cannot be read ({ex.GetType().Name}): write it as 'Host=…;Port=…;Username=…;Password=…;Database=…'.", nameof(connectionString));
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException("The PostgreSQL connection string names no host: add 'Host=…'.", nameof(connectionString));
        }

        // Statements the ledger repeats are prepared on each connection unless the user says otherwise.
        if (!Names(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
        }

        // The library's sessions keep no state between uses (settings are per transaction, locks per transaction, the
        // one LISTEN is on a connection outside the pool): a connection going back to the pool needs no reset, which
        // would cost the server six statements (RESET ALL, CLOSE ALL, UNLISTEN *…) with the next use of every connection.
        if (!Names(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        // Many workers share one server (100 connections by default): each pool stays small unless the user says otherwise,
        // so a worker with a thousand entries claiming at once queues them on its connections instead of exhausting the server's.
        if (!Names(connectionString, "Max Pool Size", "MaxPoolSize"))
        {
            builder.MaxPoolSize = MaxPoolSize;
        }

        _password = string.IsNullOrEmpty(builder.Password) ? null : builder.Password;
        Description = $"postgresql://{builder.Username ?? Environment.UserName}@{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}"
            + (string.IsNullOrEmpty(builder.SearchPath) ? "" : $"?search_path={builder.SearchPath}");
        _connectionString = builder.ConnectionString;
        // Forgotten by For once its pools have closed: a process whose connection strings change (a rotated password)
        // keeps none of the old ones.
        _pools = new PostgresPools((durable, genericPlans) => CreateDataSource(durable, genericPlans: genericPlans), () => Known.TryRemove(new KeyValuePair<string, PostgresConnection>(_connectionString, this)));
        AnswersListener = new PostgresListener(() => CreateDataSource(pooled: false), PostgresSchema.AnswersChannel, () => _pools.Linger);
    }

    /// <summary>
    /// The process's connection for <paramref name="connectionString"/>: the same object for the same string, so that
    /// every backend, project and run of the process on one database shares its pools (<see cref="SharePool"/>) and finds
    /// its connections warm, and the process holds one set of connections to the database whatever the number of projects.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is empty or cannot be read, or names no host.</exception>
    public static PostgresConnection For(string connectionString)
    {
        var connection = new PostgresConnection(connectionString);
        return Known.GetOrAdd(connection._connectionString, connection);
    }

    /// <summary>The connections each of the library's pools opens at most, unless the connection string says (<c>Max Pool Size</c>): 16.</summary>
    public const int MaxPoolSize = 16;

    /// <summary>Where the connection leads, without the password, e.g. <c>postgresql://bf@db.local:5432/batches</c>.</summary>
    public string Description { get; }

    /// <summary>A connection pool for this connection string; the caller disposes it.</summary>
    /// <param name="durable">
    /// Whether a commit waits for the server's write-ahead log to reach its disk (the server's default). When
    /// <see langword="false"/>, its sessions run with <c>synchronous_commit = off</c>: a commit is acknowledged once the
    /// server has it, which survives any client process dying and the server process restarting, but a crash of the
    /// server's machine may lose the last fraction of a second of commits (never half of one).
    /// </param>
    /// <param name="pooled">
    /// Whether connections go back to a pool when closed; <see langword="false"/> for a connection that changes its
    /// session (<c>LISTEN</c>), which pooled connections never do (<see cref="NpgsqlConnectionStringBuilder.NoResetOnClose"/> is on).
    /// </param>
    /// <param name="genericPlans">
    /// Whether the sessions plan each prepared statement once, for any parameters (<c>plan_cache_mode =
    /// force_generic_plan</c>), unless the connection string's <c>Options</c> set <c>plan_cache_mode</c>: for statements
    /// that key by a text the statistics may not know yet (a new project's claims), whose plan for the value at hand
    /// can then be a scan of everything under it rather than a probe per key; and no planning per execution.
    /// </param>
    public NpgsqlDataSource CreateDataSource(bool durable = true, bool pooled = true, bool genericPlans = false)
    {
        var builder = new NpgsqlDataSourceBuilder(_connectionString);
        if (!pooled)
        {
            // Npgsql multiplexes only pooled connections: a user's Multiplexing=true does not apply to this one.
            builder.ConnectionStringBuilder.Pooling = false;
            builder.ConnectionStringBuilder.Multiplexing = false;

            // Such a connection stays open for long without a statement (it only listens): a keepalive finds it dead
            // should the network drop it silently, and its users then fall back to polling.
            if (builder.ConnectionStringBuilder.KeepAlive == 0)
            {
                builder.ConnectionStringBuilder.KeepAlive = 30;
            }
        }

        // The library reads and writes built-in types only (text, integers, booleans, timestamps and their arrays): a
        // pool need not load the database's catalogue of types when it opens (a query of 10–15 ms of the server's time,
        // and its reading, for each of a worker's three pools).
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        if (!durable)
        {
            builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c synchronous_commit=off".Trim();
        }

        if (genericPlans && builder.ConnectionStringBuilder.Options?.Contains("plan_cache_mode", StringComparison.OrdinalIgnoreCase) != true)
        {
            builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c plan_cache_mode=force_generic_plan".Trim();
        }

        return builder.Build();
    }

    /// <summary>
    /// A share of this connection's pool for sessions of the given kind (see <see cref="CreateDataSource"/>), opened with
    /// the first share and closed <see cref="PoolLinger"/> after the last is given back; the caller disposes its share.
    /// </summary>
    public PostgresPoolShare SharePool(bool durable, bool genericPlans = false) => new(this, durable, genericPlans, _pools.Take(durable, genericPlans));

    /// <summary>
    /// How long a pool stays open after its last share is given back (<see cref="PostgresPools.DefaultLinger"/>), so that
    /// the next project opened on this connection in the process finds warm connections; zero closes it at once.
    /// </summary>
    public TimeSpan PoolLinger
    {
        get => _pools.Linger;
        set => _pools.Linger = value;
    }

    /// <summary>
    /// The process's one connection listening for the answers of shared runs on this database (<see cref="PostgresSchema.AnswersChannel"/>),
    /// shared by their claim stores, and kept open <see cref="PoolLinger"/> after the last leaves, as the pools are.
    /// </summary>
    public PostgresListener AnswersListener { get; }

    /// <summary>Takes back one share of the pool of that kind (see <see cref="SharePool"/>).</summary>
    internal ValueTask ReleasePoolAsync(bool durable, bool genericPlans) => _pools.GiveBackAsync(durable, genericPlans);

    /// <summary><paramref name="text"/> with the password replaced by <c>***</c>, should a driver ever quote it.</summary>
    public string Redact(string text) => _password is null ? text : text.Replace(_password, "***", StringComparison.Ordinal);

    /// <summary>A <see cref="LedgerException"/> for a failure to <paramref name="doing"/> at <paramref name="location"/>, without the password.</summary>
    public LedgerException Failed(string location, string doing, Exception exception) =>
        new(location, $"Cannot {doing} {location}: {Redact(exception.Message)}", exception is NpgsqlException or TimeoutException ? exception : null);

    /// <inheritdoc/>
    public override string ToString() => Description;

    private static bool Names(string connectionString, string key, string compactKey) =>
        connectionString.Contains(key, StringComparison.OrdinalIgnoreCase) || connectionString.Contains(compactKey, StringComparison.OrdinalIgnoreCase);
}
