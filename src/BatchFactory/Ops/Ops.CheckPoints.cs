using BatchFactory.Ledgers;
using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>
    /// A checkpoint that lets a run resume past <paramref name="body"/>: each entry that comes out of the body is
    /// stored in the run's project ledger <c>checkpoint-&lt;name&gt;</c> under its (idx, rev) before it moves on; in a
    /// later run (after a crash, Ctrl+C or <c>kill -9</c>) an entry whose (idx, rev) is stored skips the body and is
    /// restored from the ledger, so the body's work is never done twice for it.
    /// </summary>
    /// <remarks>
    /// <para>The run needs <see cref="RunOptions.Project"/>; without it the run fails before it starts.</para>
    /// <para>The body is any graph with one way in and one way out that keeps each entry's idx and rev (per-entry ops
    /// such as MapField, Apply and Filter). An entry the body drops is not stored, so its work is done again next run.
    /// Entries are told apart by (idx, rev), so give entries distinct idx before a checkpoint.</para>
    /// <para>On a project kept in PostgreSQL, shared by workers that run the same graph (README "Many machines"), each
    /// entry's body runs on one worker only: the entry is claimed per (idx, rev) with a lease before it goes into the
    /// body, and the other workers wait for the stored entry (or take the entry over when the lease runs out, as for
    /// model calls). An entry the body drops is given up when the body is done, and a worker that waited for it runs
    /// the body for it itself.</para>
    /// <para><see cref="CheckPoint(string, bool)"/>, without a body, is a marker: it stores the entries that pass and,
    /// in later runs, replaces an arriving entry by its stored copy: what was seen the first time wins.</para>
    /// </remarks>
    /// <param name="body">The work to skip for entries already stored.</param>
    /// <param name="name">The checkpoint's name, which also names its ledger; letters, digits, <c>.</c>, <c>-</c> and <c>_</c>.</param>
    /// <param name="latestRevOnly">
    /// Keep only the latest rev of each idx (the key is the idx alone) instead of every rev. Default <see langword="false"/>.
    /// Useful in loops, where every round would otherwise add a record.
    /// </param>
    /// <returns>A graph: the checkpoint's entrance, the body, and its exit.</returns>
    public static Graph CheckPoint(Graph body, string name, bool latestRevOnly = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        SafePaths.CheckSegment(name, "checkpoint name", nameof(name));
        return CheckPoint(new CheckPointStore(name, latestRevOnly) { HasBody = true }, body);
    }

    /// <summary>
    /// A checkpoint marker with no body: it stores the entries that pass and, in later runs, replaces an arriving entry
    /// by its stored copy (what was seen the first time wins). See <see cref="CheckPoint(Graph, string, bool)"/>.
    /// </summary>
    /// <param name="name">The checkpoint's name, which also names its ledger; letters, digits, <c>.</c>, <c>-</c> and <c>_</c>.</param>
    /// <param name="latestRevOnly">Keep only the latest rev of each idx. Default <see langword="false"/>.</param>
    /// <returns>A graph: the checkpoint's entrance and its exit.</returns>
    public static Graph CheckPoint(string name, bool latestRevOnly = false)
    {
        SafePaths.CheckSegment(name, "checkpoint name", nameof(name));
        return CheckPoint(new CheckPointStore(name, latestRevOnly), null);
    }

    /// <summary>A checkpoint around <paramref name="body"/> kept in <paramref name="ledger"/>, which the caller opens and disposes. See <see cref="CheckPoint(Graph, string, bool)"/>.</summary>
    /// <param name="body">The work to skip for entries already stored.</param>
    /// <param name="ledger">The ledger to keep entries in.</param>
    /// <param name="latestRevOnly">Keep only the latest rev of each idx. Default <see langword="false"/>.</param>
    /// <returns>A graph: the checkpoint's entrance, the body, and its exit.</returns>
    public static Graph CheckPoint(Graph body, ILedger ledger, bool latestRevOnly = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(ledger);
        return CheckPoint(new CheckPointStore(ledger, latestRevOnly) { HasBody = true }, body);
    }

    /// <summary>A checkpoint marker with no body kept in <paramref name="ledger"/>, which the caller opens and disposes. See <see cref="CheckPoint(string, bool)"/>.</summary>
    /// <param name="ledger">The ledger to keep entries in.</param>
    /// <param name="latestRevOnly">Keep only the latest rev of each idx. Default <see langword="false"/>.</param>
    /// <returns>A graph: the checkpoint's entrance and its exit.</returns>
    public static Graph CheckPoint(ILedger ledger, bool latestRevOnly = false)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return CheckPoint(new CheckPointStore(ledger, latestRevOnly), null);
    }

    private static Graph CheckPoint(CheckPointStore store, Graph? body)
    {
        var lookup = new CheckPointLookupOp(store);
        var save = Part("CheckPoint", new CheckPointSaveOp(store));
        return (lookup | (body?.Scoped("CheckPoint") ?? Graph.Empty) | save).Wire(lookup, save, outPort: 1, inPort: 1);
    }
}
