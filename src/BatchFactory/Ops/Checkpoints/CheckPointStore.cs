using System.Globalization;
using System.Text.Json.Nodes;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>
/// What the two halves of one checkpoint share: where their ledger comes from and how entries are keyed and stored.
/// Records are <c>{"idx":…,"rev":…,"data":{…},"meta":{…}}</c> under the key <c>idx@rev</c>, or under <c>idx</c> alone
/// when only the latest rev is kept.
/// </summary>
internal sealed class CheckPointStore
{
    private readonly string? _ledgerName;
    private readonly ILedger? _ledger;

    public CheckPointStore(string name, bool latestRevOnly)
    {
        Name = name;
        _ledgerName = "checkpoint-" + name;
        LatestRevOnly = latestRevOnly;
    }

    public CheckPointStore(ILedger ledger, bool latestRevOnly)
    {
        Name = Path.GetFileNameWithoutExtension(ledger.Location);
        _ledger = ledger;
        LatestRevOnly = latestRevOnly;
    }

    public string Name { get; }

    public bool LatestRevOnly { get; }

    /// <summary>Whether the checkpoint has a body, whose work the workers of a shared run divide (a marker has none).</summary>
    public bool HasBody { get; init; }

    public string Describe() => $"{Name}{(LatestRevOnly ? ", latest rev only" : "")}";

    /// <summary>The ledger for one run: the one given, or the run's project's ledger of this name.</summary>
    public async ValueTask<ILedger> LedgerAsync(OpContext context)
    {
        if (_ledger is not null)
        {
            return _ledger;
        }

        var project = context.Run.Options.Project ?? throw new InvalidOperationException(
            $"CheckPoint '{Name}' (node [{context.Node}]) keeps its entries in a project ledger, but the run has no project. " +
            "Set RunOptions.Project = ProjectFolder.Open(name, version), or give CheckPoint a ledger.");
        return await project.OpenLedgerAsync(_ledgerName!, context.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// How the workers of a shared run divide the body's work, when this checkpoint has a body and keeps its entries
    /// in a project on PostgreSQL; <see langword="null"/> otherwise (a ledger given by the caller is not shared).
    /// </summary>
    public CheckPointClaims? ClaimsFor(OpContext context) =>
        HasBody && _ledgerName is not null && context.Run.Claims is { } claims ? new CheckPointClaims(claims, _ledgerName) : null;

    public string KeyOf(Entry entry) =>
        LatestRevOnly ? entry.Idx : string.Create(CultureInfo.InvariantCulture, $"{entry.Idx}@{entry.Rev}");

    /// <summary>Turns the entry stored for <paramref name="entry"/>'s key back into <paramref name="entry"/>; false if it is for another rev.</summary>
    public bool TryServe(Entry entry, JsonNode stored)
    {
        if (stored is not JsonObject record || record["rev"]?.GetValue<int>() != entry.Rev || record["data"] is not JsonObject data)
        {
            return false;
        }

        record.Remove("data");
        var meta = record["meta"] as JsonObject;
        record.Remove("meta");
        entry.ReplaceContents(data, meta);
        return true;
    }

    /// <summary>
    /// Appends <paramref name="entry"/>. The ledger serialises the record before it returns, so the entry's own
    /// data object is lent to the record for the call rather than copied.
    /// </summary>
    public ValueTask SaveAsync(ILedger ledger, Entry entry, CancellationToken cancellationToken) =>
        Lending(entry, record => ledger.AppendAsync(KeyOf(entry), record, cancellationToken));

    /// <summary>The record of <paramref name="entry"/> as JSON text (what a shared run's claim stores).</summary>
    public string RecordText(Entry entry) => Lending(entry, record => record.ToJsonString());

    private static T Lending<T>(Entry entry, Func<JsonObject, T> use)
    {
        var record = new JsonObject { ["idx"] = entry.Idx, ["rev"] = entry.Rev, ["data"] = entry.Data };
        var meta = entry.HasMeta ? entry.Meta : null;
        if (meta is not null)
        {
            record["meta"] = meta;
        }

        try
        {
            return use(record);
        }
        finally
        {
            record.Remove("data");
            record.Remove("meta");
        }
    }
}
