namespace BatchFactory;

/// <summary>
/// A store that ledgers are kept in: it opens the ledger of a <see cref="LedgerLocation"/>. A project chooses one with
/// <c>ProjectFolderOptions.Backend</c>; the built-ins are <see cref="Jsonl"/> (the default) and <see cref="Sqlite"/>.
/// </summary>
/// <remarks>
/// To add a store (a database server, say), derive from this class and open your own <see cref="ILedger"/> in
/// <see cref="OpenAsync"/>; a project calls it once per ledger name and shares the ledger until the project is disposed.
/// A file-based backend keeps its file in <see cref="LedgerLocation.Folder"/>; one that is not (a connection string)
/// tells its ledgers apart by <see cref="LedgerLocation.Project"/>, <see cref="LedgerLocation.Version"/> and
/// <see cref="LedgerLocation.Name"/>. Your ledgers should keep the contract described on <see cref="ILedger"/>.
/// </remarks>
/// <example>
/// <code>
/// await using var project = ProjectFolder.Open("poems", "1.0.0", new ProjectFolderOptions { Backend = LedgerBackend.Sqlite });
/// </code>
/// </example>
public abstract class LedgerBackend
{
    /// <summary>Creates a backend called <paramref name="name"/>.</summary>
    /// <param name="name">What the backend is called in messages and <see cref="ToString"/>, e.g. <c>PostgreSQL</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    protected LedgerBackend(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>One human-readable <c>.jsonl</c> file per ledger, <c>&lt;folder&gt;/&lt;name&gt;.jsonl</c> (<see cref="JsonlLedger"/>). Named <c>JSONL</c>. The default backend.</summary>
    public static LedgerBackend Jsonl { get; } = new Ledgers.JsonlBackend();

    /// <summary>One SQLite database per ledger, <c>&lt;folder&gt;/&lt;name&gt;.sqlite</c> (<see cref="SqliteLedger"/>). Named <c>SQLite</c>.</summary>
    public static LedgerBackend Sqlite { get; } = new Ledgers.SqliteBackend();

    /// <summary>
    /// Every ledger of the project as rows of one PostgreSQL database (tables <c>batchfactory_*</c>, created and versioned
    /// by the library in the first schema of the search path), which any number of workers on any number of machines
    /// share. Named <c>PostgreSQL</c>. A run on such a project divides its model calls between the workers: see
    /// <c>RunOptions.Sharing</c> and the README's "Many machines".
    /// </summary>
    /// <param name="connectionString">
    /// An Npgsql connection string, e.g. <c>Host=db.local;Port=5432;Username=bf;Password=…;Database=batches</c>. The
    /// password is kept out of every location, log, error and summary.
    /// </param>
    /// <returns>The backend; nothing is connected until a ledger is opened.</returns>
    /// <exception cref="ArgumentException">The connection string is empty, cannot be read, or names no host (the message leaves the string out).</exception>
    public static LedgerBackend Postgres(string connectionString) => new Ledgers.PostgresBackend(Ledgers.PostgresConnection.For(connectionString));

    /// <summary>
    /// <see cref="Postgres(string)"/> with the connection string in the environment variable <c>BATCHFACTORY_POSTGRES</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>BATCHFACTORY_POSTGRES</c> is not set.</exception>
    /// <exception cref="ArgumentException">Its connection string cannot be read.</exception>
    public static LedgerBackend Postgres() =>
        Environment.GetEnvironmentVariable(Ledgers.PostgresConnection.EnvironmentVariable) is { Length: > 0 } connectionString
            ? Postgres(connectionString)
            : throw new InvalidOperationException($"{Ledgers.PostgresConnection.EnvironmentVariable} is not set: set it to the connection string of the project's PostgreSQL database (Host=…;Username=…;Password=…;Database=…), or pass one to LedgerBackend.Postgres.");

    /// <summary>What the backend is called, e.g. <c>JSONL</c> or <c>SQLite</c>.</summary>
    public string Name { get; }

    /// <summary>Opens the ledger at <paramref name="location"/>, creating it if it does not exist yet.</summary>
    /// <param name="location">Which ledger: its project, version, name, and the folder a file-based backend keeps it in.</param>
    /// <param name="options">How to open it (durability, where repairs are logged).</param>
    /// <param name="cancellationToken">Cancels opening, also while the ledger replays what it holds.</param>
    /// <returns>The open ledger; the caller disposes it.</returns>
    /// <exception cref="LedgerException">The ledger cannot be opened: another process has it open, it is corrupt or of a newer format, or its store cannot be reached or created.</exception>
    public abstract ValueTask<ILedger> OpenAsync(LedgerLocation location, LedgerOptions options, CancellationToken cancellationToken = default);

    /// <summary>The backend's <see cref="Name"/>.</summary>
    public override string ToString() => Name;
}
