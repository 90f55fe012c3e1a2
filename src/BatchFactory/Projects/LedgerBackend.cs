namespace BatchFactory;

/// <summary>Which store a <see cref="ProjectFolder"/> keeps its ledgers in.</summary>
public enum LedgerBackend
{
    /// <summary>One human-readable <c>.jsonl</c> file per ledger (<see cref="JsonlLedger"/>). The default.</summary>
    Jsonl,

    /// <summary>One SQLite database per ledger, <c>.sqlite</c> (<see cref="SqliteLedger"/>).</summary>
    Sqlite,
}
