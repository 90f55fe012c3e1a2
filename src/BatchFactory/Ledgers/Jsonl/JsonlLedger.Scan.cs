using BatchFactory.Ledgers;

namespace BatchFactory;

/// <summary>Takes a record's key and its value's JSON text, valid only during the call.</summary>
/// <param name="key">The record's key.</param>
/// <param name="value">The value as the ledger file holds it (UTF-8 JSON).</param>
internal delegate void RecordTextHandler(string key, ReadOnlySpan<byte> value);

public sealed partial class JsonlLedger
{
    /// <summary>
    /// Hands over every current record (the last of its key), in append order, as its key and its value's JSON text,
    /// without parsing values into nodes: for tools that read a few fields of every record of a big ledger
    /// (<c>batchfactory ledger explain</c>). Appends wait until it ends.
    /// </summary>
    /// <param name="handle">Called once per record, on the calling thread.</param>
    /// <param name="cancellationToken">Stops reading between lines.</param>
    internal void ScanRecordTexts(RecordTextHandler handle, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        _guard.EnterReadLock();
        try
        {
            JsonlLines.Read(_handle, _dataStart, _end, 0, (line, offset, _, _) =>
            {
                var value = JsonlFormat.ReadText(line, out var key);
                if (_index.IsCurrent(LedgerKeys.Hash(key), new Slot(offset, line.Length), key))
                {
                    handle(key, value);
                }

                return true;
            }, cancellationToken);
        }
        finally
        {
            _guard.ExitReadLock();
        }
    }
}
