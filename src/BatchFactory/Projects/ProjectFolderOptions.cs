namespace BatchFactory;

/// <summary>Where a <see cref="ProjectFolder"/> lives and how it keeps its ledgers.</summary>
public sealed class ProjectFolderOptions
{
    /// <summary>The folder that holds every project, one sub-folder per project name and version. Default <c>data</c>, relative to the current directory.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>
    /// The store for the project's ledgers: <see cref="LedgerBackend.Jsonl"/> (the default), <see cref="LedgerBackend.Sqlite"/>,
    /// or your own <see cref="LedgerBackend"/>, which the project asks to open each ledger it needs.
    /// </summary>
    public LedgerBackend Backend { get; init; } = LedgerBackend.Jsonl;

    /// <summary>How the project's ledgers are opened (durability, logging). Default <see cref="LedgerOptions"/> with its defaults.</summary>
    public LedgerOptions Ledger { get; init; } = new();
}
