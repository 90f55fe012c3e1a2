using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>
    /// Sends each entry to every one of <paramref name="copies"/> out-ports: the entry itself to port 0, deep copies
    /// (same idx) to the others. Wire ports other than 0 with <see cref="Graph.Wire(Op, Op, int, int)"/>.
    /// </summary>
    /// <param name="copies">The number of out-ports. Default 2.</param>
    /// <returns>The op.</returns>
    public static Op Replicate(int copies = 2) => new ReplicateOp(copies);

    /// <summary>
    /// Turns each entry into one entry per item of the list in <paramref name="listKey"/>; the item goes to
    /// <paramref name="itemKey"/> (the list field itself when omitted). Children keep the other fields, get idx
    /// <c>{idx}#{i}</c> and keep their parent's place in the stream. An empty list yields no entries.
    /// </summary>
    /// <param name="listKey">The field holding the list; missing or not a list fails the run.</param>
    /// <param name="itemKey">The field each item goes to; <paramref name="listKey"/> when <see langword="null"/>.</param>
    /// <param name="indexKey">If given, each child stores its item position (from 0) in this field.</param>
    /// <returns>The op.</returns>
    public static Op ExplodeList(string listKey, string? itemKey = null, string? indexKey = null) =>
        new ExplodeListOp([listKey], [itemKey ?? listKey], indexKey);

    /// <summary>Like <see cref="ExplodeList(string, string?, string?)"/> over several lists zipped together; they must have equal lengths.</summary>
    /// <param name="listKeys">The fields holding the lists.</param>
    /// <param name="itemKeys">The field each list's item goes to, one per list; <paramref name="listKeys"/> when <see langword="null"/>.</param>
    /// <param name="indexKey">If given, each child stores its item position (from 0) in this field.</param>
    /// <returns>The op.</returns>
    public static Op ExplodeList(string[] listKeys, string[]? itemKeys = null, string? indexKey = null) =>
        new ExplodeListOp(listKeys, itemKeys ?? listKeys, indexKey);
}
