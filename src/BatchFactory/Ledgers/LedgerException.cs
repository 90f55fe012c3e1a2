namespace BatchFactory;

/// <summary>
/// A ledger could not be opened or written: it is locked by another process, it was written by a newer version,
/// its folder is not writable, or a write failed. The message names the file and says what to do. Records written
/// before the failure are intact.
/// </summary>
public class LedgerException : Exception
{
    /// <summary>Creates the exception for the ledger at <paramref name="path"/>.</summary>
    public LedgerException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>Where the ledger is kept (its <see cref="ILedger.Location"/>): for the built-in backends, the full path of its file.</summary>
    public string Path { get; }
}
