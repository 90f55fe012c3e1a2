namespace BatchFactory.Ledgers;

/// <summary>The <see cref="LedgerBackend.Jsonl"/> backend: <c>&lt;folder&gt;/&lt;name&gt;.jsonl</c>, opened as a <see cref="JsonlLedger"/>.</summary>
internal sealed class JsonlBackend() : LedgerBackend("JSONL")
{
    public override async ValueTask<ILedger> OpenAsync(LedgerLocation location, LedgerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        return await JsonlLedger.OpenAsync(location.FilePath(".jsonl"), options, cancellationToken).ConfigureAwait(false);
    }
}
