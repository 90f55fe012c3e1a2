using System.Text.Json.Nodes;
using BatchFactory.Entries;
using BatchFactory.Entries.Scopes;

namespace BatchFactory;

/// <summary>
/// One row flowing through a graph: an immutable <see cref="Idx"/>, a revision counter <see cref="Rev"/>,
/// a JSON object of user <see cref="Data"/> and a JSON object of bookkeeping <see cref="Meta"/>.
/// </summary>
/// <remarks>
/// Everything in <see cref="Data"/> and <see cref="Meta"/> must round-trip through JSON, because the ledger
/// stores entries as JSON. Use the typed helpers (<see cref="Get{T}(string)"/>, <see cref="Set{T}(string, T)"/>)
/// rather than raw nodes where you can: they check that rule and name the field and idx when something is wrong.
/// An entry is owned by one op at a time while a graph runs, so ops may change it in place.
/// </remarks>
public sealed partial class Entry
{
    private JsonObject? _meta;

    /// <summary>Creates an entry.</summary>
    /// <param name="idx">The entry's identity; never changes. Must not be empty.</param>
    /// <param name="data">The entry's fields; a new empty object when <see langword="null"/>. The entry takes ownership.</param>
    /// <param name="rev">The revision; 0 for a new entry. Must not be negative.</param>
    /// <exception cref="ArgumentException"><paramref name="idx"/> is empty or <paramref name="rev"/> is negative.</exception>
    public Entry(string idx, JsonObject? data = null, int rev = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(idx);
        ArgumentOutOfRangeException.ThrowIfNegative(rev);
        Idx = idx;
        Rev = rev;
        Data = data ?? [];
        Order = OrderKey.Unordered;
    }

    /// <summary>The entry's identity, stable across runs. Never changes.</summary>
    public string Idx { get; }

    /// <summary>The revision: 0 for a new entry, +1 each time the entry goes round a loop. Only grows.</summary>
    public int Rev { get; private set; }

    /// <summary>The entry's fields as a JSON object. Ops read and write it in place.</summary>
    public JsonObject Data { get; }

    /// <summary>Bookkeeping fields that are not user data (statuses, provenance). Created on first use.</summary>
    public JsonObject Meta => _meta ??= [];

    /// <summary>Whether <see cref="Meta"/> was ever used (reading it creates it).</summary>
    internal bool HasMeta => _meta is not null;

    /// <summary>The stable position of this entry in the stream; order-sensitive ops sort by it.</summary>
    internal OrderKey Order { get; set; }

    /// <summary>The loops and spawns the entry is inside, innermost first; <see langword="null"/> outside all of them.</summary>
    internal ScopeFrame? Frame { get; set; }

    /// <summary>For an entry whose list items were spawned as children: their group, which its collector completes.</summary>
    internal SpawnGroup? Spawned { get; set; }

    /// <summary>Moves the entry to its next revision (called when the entry goes round a loop).</summary>
    /// <returns>The new revision.</returns>
    public int NextRev() => ++Rev;

    /// <summary>Returns a deep copy with the same idx, rev and stream position.</summary>
    /// <returns>An entry that shares no JSON nodes with this one.</returns>
    public Entry Clone() => CloneAs(Idx);

    /// <summary>Returns a deep copy under another idx, keeping the stream position, the scopes and, unless given, the rev. The caller counts the copy in its scopes.</summary>
    internal Entry CloneAs(string idx, int? rev = null)
    {
        var copy = new Entry(idx, (JsonObject)Data.DeepClone(), rev ?? Rev) { Order = Order, Frame = Frame };
        if (_meta is not null)
        {
            copy._meta = (JsonObject)_meta.DeepClone();
        }

        return copy;
    }

    /// <summary>Replaces the entry's data (and meta, when given) with the fields of the given objects, which are emptied.</summary>
    internal void ReplaceContents(JsonObject data, JsonObject? meta)
    {
        MoveFields(data, Data);
        if (meta is not null)
        {
            MoveFields(meta, Meta);
        }
        else
        {
            _meta = null;
        }
    }

    private static void MoveFields(JsonObject from, JsonObject to)
    {
        to.Clear();
        foreach (var (name, value) in from.ToList())
        {
            from.Remove(name);
            to[name] = value;
        }
    }

    /// <summary>A one-line description: idx, rev and the data as JSON.</summary>
    /// <returns>For example <c>Entry 'a1' rev 0 {"n":1}</c>.</returns>
    public override string ToString() => $"Entry '{Idx}' rev {Rev} {Data.ToJsonString()}";
}
