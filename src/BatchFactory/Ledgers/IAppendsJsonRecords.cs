namespace BatchFactory.Ledgers;

/// <summary>
/// A ledger that serialises an <see cref="IJsonRecord"/> straight into its own format: the built-in file backends.
/// Appending through it stores exactly what <see cref="ILedger.AppendAsync"/> of the same JSON would.
/// </summary>
internal interface IAppendsJsonRecords
{
    /// <summary>
    /// Appends <paramref name="record"/> under <paramref name="key"/> as <see cref="ILedger.AppendAsync"/> does; the
    /// record is written out before the call returns, so the parts it reads may change afterwards.
    /// </summary>
    ValueTask AppendAsync(string key, IJsonRecord record, CancellationToken cancellationToken);
}
