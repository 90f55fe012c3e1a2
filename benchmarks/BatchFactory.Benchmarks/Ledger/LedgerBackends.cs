namespace BatchFactory.Benchmarks.Ledger;

/// <summary>The ledger backends the harness measures.</summary>
internal static class LedgerBackends
{
    // Ledgers of a database server outlive the run: each run writes under a project of its own.
    private static readonly string s_project = $"ledger-bench-{Guid.NewGuid():N}";

    /// <summary>JSONL and SQLite, and PostgreSQL when the harness was given a connection string.</summary>
    public static IReadOnlyList<Backend> All(string? postgres) =>
    [
        new(LedgerBackend.Jsonl, null),
        new(LedgerBackend.Sqlite, LedgerBaselines.NaiveSqliteName),
        .. postgres is null ? [] : new[] { new Backend(LedgerBackend.Postgres(postgres), LedgerBaselines.NaiveSqliteName) },
    ];

    /// <summary>A backend and the baseline its appends are compared with.</summary>
    internal sealed record Backend(LedgerBackend Store, string? Baseline)
    {
        public string Name => Store.Name;

        /// <summary>Opens the ledger called <paramref name="name"/> in <paramref name="folder"/>.</summary>
        public async Task<ILedger> Open(string folder, string name, LedgerOptions? options) =>
            await Store.OpenAsync(new LedgerLocation(s_project, "1", name, folder), options ?? new LedgerOptions());
    }
}
