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
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush();
            return new LockFile(path, stream);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            var holder = TryReadHolder(path);
            throw new LedgerException(
                ledgerPath,
                $"The ledger '{ledgerPath}' is already open for writing{holder} (lock file '{path}'). " +
                "Only one process may write a ledger at a time: stop the other run, or give this one another project folder or version.",
                ex);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Another process may already hold a fresh lock on the path; the stale file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string TryReadHolder(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return int.TryParse(reader.ReadLine(), out var pid) ? $" by process {pid}" : "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
