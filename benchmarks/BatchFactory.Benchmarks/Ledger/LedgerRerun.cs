using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Ledger;

/// <summary>
/// A fully cached rerun of AskLLM on a project kept in a backend: the cost of serving every answer from the ledger
/// (on PostgreSQL, the coordination overhead of a shared run). The fresh run before it fills the ledger from the
/// offline provider.
/// </summary>
internal static class LedgerRerun
{
    // Each harness run writes under a project of its own, as database ledgers outlive it.
    private static readonly string s_project = $"rerun-bench-{Guid.NewGuid():N}";

    /// <summary>The entries of the graph, the same on every backend.</summary>
    public static Graph Graph(int entries) =>
        FromList(Enumerable.Range(0, entries).Select(i => new { n = i, text = new string((char)('a' + (i % 26)), 200) }))
        | AskLLM("Summarise {n}: {text}", "gpt-4o-mini@offline", "answer")
        | ToList("answer");

    /// <summary>Runs the graph on <paramref name="backend"/>'s project; checks every entry was served from the ledger when <paramref name="cached"/>.</summary>
    public static async Task<LedgerOutcome> RunAsync(LedgerBackends.Backend backend, string folder, int entries, bool cached)
    {
        await using var project = ProjectFolder.Open(s_project, "1", new ProjectFolderOptions { DataDirectory = Path.Combine(folder, "rerun-" + backend.Name), Backend = backend.Store });
        var result = await Graph(entries).RunAsync(new RunOptions { Project = project });
        var (calls, served) = (result.Calls, result.CachedCalls);
        if (result.Count != entries || (cached ? calls != 0 || served != entries : calls != entries))
        {
            return new LedgerOutcome(entries, false, $"{result.Count:N0} entries out, {calls:N0} calls and {served:N0} served; expected {entries:N0} entries and {(cached ? "none" : "one")} call each");
        }

        return new LedgerOutcome(entries, Note: cached ? "every answer from the ledger" : "every answer from the offline provider");
    }
}
