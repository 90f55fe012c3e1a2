namespace BatchFactory.Benchmarks.Ledger;

/// <summary>The ledger backends the harness measures.</summary>
internal static class LedgerBackends
{
    public static IReadOnlyList<Backend> All { get; } =
    [
        new(LedgerBackend.Jsonl, null),
        new(LedgerBackend.Sqlite, LedgerBaselines.NaiveSqliteName),
    ];

    /// <summary>A backend and the baseline its appends are compared with.</summary>
    internal sealed record Backend(LedgerBackend Store, string? Baseline)
    {
        public string Name => Store.Name;

        /// <summary>Opens the ledger called <paramref name="name"/> in <paramref name="folder"/>.</summary>
        public async Task<ILedger> Open(string folder, string name, LedgerOptions? options) =>
            await Store.OpenAsync(new LedgerLocation("ledger-bench", "1", name, folder), options ?? new LedgerOptions());
    }
}
