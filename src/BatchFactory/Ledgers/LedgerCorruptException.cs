namespace BatchFactory;

/// <summary>
/// A ledger holds a record that cannot be read in the middle of its file (not a torn last record, which is repaired
/// on open). Nothing is skipped or deleted; the message names the file, the line and the byte offset, and says how to
/// repair it with <see cref="JsonlLedger.RepairAsync(string, CancellationToken)"/>.
/// </summary>
public sealed class LedgerCorruptException : LedgerException
{
    /// <summary>Creates the exception for the bad record at <paramref name="line"/> (1-based) and byte <paramref name="offset"/>.</summary>
    public LedgerCorruptException(string path, long line, long offset, string message, Exception? innerException = null)
        : base(path, message, innerException)
    {
        Line = line;
        Offset = offset;
    }

    /// <summary>The 1-based line number of the bad record.</summary>
    public long Line { get; }

    /// <summary>The byte offset in the file where the bad record starts.</summary>
    public long Offset { get; }
}
