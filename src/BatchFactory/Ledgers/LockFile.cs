namespace BatchFactory.Ledgers;

/// <summary>
/// An exclusive lock on a ledger, held by keeping <c>&lt;ledger&gt;.lock</c> open with no sharing, which the operating
/// system enforces between processes (and between two opens in one process).
/// </summary>
internal sealed class LockFile : IDisposable
{
    private readonly FileStream _stream;

    private LockFile(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    /// <summary>Takes the lock of the ledger at <paramref name="ledgerPath"/>, or throws a <see cref="LedgerException"/> saying who holds it.</summary>
    public static LockFile Acquire(string ledgerPath)
    {
        var path = ledgerPath + ".lock";
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new LedgerException(
                ledgerPath,
                $"The ledger '{ledgerPath}' is already open for writing (the lock file '{path}' holds the id of the process that has it). " +
                "Only one process may write a ledger at a time: stop the other run, or give this one another project folder or version.",
                ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new LedgerException(ledgerPath, $"Cannot create the lock file '{path}' of the ledger '{ledgerPath}': {ex.Message}. Check that the folder is writable.", ex);
        }

        try
        {
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush();
            return new LockFile(path, stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw new LedgerException(ledgerPath, $"Cannot write the lock file '{path}' of the ledger '{ledgerPath}': {ex.Message}. Check the disk space and that the folder is writable.", ex);
        }
    }

    // The file is deleted while the lock is still held, so a process that opens the path afterwards creates a new file.
    // One narrow race remains: a process that opened the old file just before the delete, and locks it just after the
    // close, holds a lock on a deleted file while a third process may lock the new one.
    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale lock file is harmless: the lock is the open file, not its existence.
        }

        _stream.Dispose();
    }
}
