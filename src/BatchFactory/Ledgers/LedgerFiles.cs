namespace BatchFactory.Ledgers;

/// <summary>What both ledger backends do the same way around their files: making the folder, and the errors they share.</summary>
internal static class LedgerFiles
{
    /// <summary>Creates the folder of the ledger at <paramref name="path"/>, or throws a <see cref="LedgerException"/> saying why not.</summary>
    public static void CreateFolder(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LedgerException(path, $"Cannot create the folder of the ledger '{path}': {ex.Message}. Choose a data directory you can write to.", ex);
        }
    }

    /// <summary>The error every caller of a faulted ledger gets after a write failed.</summary>
    public static LedgerException WriteFailed(string path, Exception ex) => new(
        path,
        $"Writing to the ledger '{path}' failed: {ex.Message}. Records written before are intact; this ledger accepts no more appends. Fix the cause (disk space, permissions) and run again: the run resumes from what was written.",
        ex);

    /// <summary>The error for a ledger written in a format newer than this version reads.</summary>
    public static LedgerException NewerFormat(string path, long version, int supported) => new(
        path,
        $"The ledger '{path}' was written by a newer BatchFactory (ledger format {version}; this version reads format {supported}). Upgrade BatchFactory to read it; the file was not changed.");
}
