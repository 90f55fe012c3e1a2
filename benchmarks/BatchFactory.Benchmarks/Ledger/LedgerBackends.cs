namespace BatchFactory.Benchmarks.Ledger;

/// <summary>The ledger backends the harness measures.</summary>
internal static class LedgerBackends
{
    public static IReadOnlyList<Backend> All { get; } =
    [
        new("JSONL", ".jsonl", null, async (path, options) => await JsonlLedger.OpenAsync(path, options)),
        new("SQLite", ".sqlite", LedgerBaselines.NaiveSqliteName, async (path, options) => await SqliteLedger.OpenAsync(path, options)),
    ];

    /// <summary>A backend: its name, file extension, the baseline its appends are compared with, and how to open it.</summary>
    internal sealed record Backend(string Name, string Extension, string? Baseline, Func<string, LedgerOptions?, Task<ILedger>> Open);
}
