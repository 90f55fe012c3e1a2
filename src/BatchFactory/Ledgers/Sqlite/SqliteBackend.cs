namespace BatchFactory.Ledgers;

/// <summary>The <see cref="LedgerBackend.Sqlite"/> backend: <c>&lt;folder&gt;/&lt;name&gt;.sqlite</c>, opened as a <see cref="SqliteLedger"/>.</summary>
internal sealed class SqliteBackend() : LedgerBackend("SQLite")
{
    public override async ValueTask<ILedger> OpenAsync(LedgerLocation location, LedgerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        return await SqliteLedger.OpenAsync(location.FilePath(".sqlite"), options, cancellationToken).ConfigureAwait(false);
    }
}
