namespace BatchFactory.Ledgers;

/// <summary>The <see cref="LedgerBackend.Postgres(string)"/> backend: the project's ledgers as rows of one PostgreSQL database, shared by every worker.</summary>
internal sealed class PostgresBackend(PostgresConnection connection) : LedgerBackend("PostgreSQL")
{
    /// <summary>The database, with a description that leaves the password out.</summary>
    public PostgresConnection Connection { get; } = connection;

    public override async ValueTask<ILedger> OpenAsync(LedgerLocation location, LedgerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        return await PostgresLedger.OpenAsync(Connection, location, options, cancellationToken).ConfigureAwait(false);
    }
}
