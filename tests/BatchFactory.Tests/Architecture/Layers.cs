namespace BatchFactory.Tests.Architecture;

/// <summary>
/// The layers of <c>src/BatchFactory</c>: for each top-level folder, the folders its files may use. References run one
/// way only, from a folder to the ones listed for it (see src/ARCHITECTURE.md).
/// </summary>
internal static class Layers
{
    public static IReadOnlyDictionary<string, string[]> MayUse { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        // The bottom: entries with their order keys and scopes; every folder may use it.
        ["Entries"] = [],

        // Leaves that know nothing of graphs or runs.
        ["Ledgers"] = [],
        ["Logging"] = [],
        ["Brokers"] = ["Entries", "Ledgers", "Logging"],
        ["Projects"] = ["Ledgers"],

        // Graphs are descriptions of ops and wires.
        ["Graphs"] = ["Entries"],

        // What a run reports, below the engine that produces it.
        ["Reporting"] = ["Brokers", "Logging", "Projects"],
        ["Events"] = ["Brokers", "Logging", "Reporting"],

        // The engine: op kinds, the run plan, the run's state and telemetry.
        ["Engine"] = ["Brokers", "Entries", "Events", "Graphs", "Ledgers", "Logging", "Projects", "Reporting"],

        // The ops users write, on top.
        ["Ops"] = ["Brokers", "Engine", "Entries", "Events", "Graphs", "Ledgers", "Logging", "Projects", "Reporting"],

        // Pipelines as YAML, read into graphs of ops through the op catalogue.
        ["Pipelines"] = ["Brokers", "Engine", "Entries", "Events", "Graphs", "Ledgers", "Logging", "Ops", "Projects", "Reporting"],
    };

    /// <summary>The uses that go against the layers.</summary>
    public static IEnumerable<FolderReference> Violations(IEnumerable<FolderReference> references) =>
        references.Where(r => !MayUse.TryGetValue(r.From, out var allowed) || !allowed.Contains(r.To));
}
