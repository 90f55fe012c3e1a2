using System.Text.Json.Nodes;

namespace BatchFactory;

/// <summary>
/// An append-only, keyed store of JSON records on disk: the memory of a pipeline across runs. Broker responses and
/// checkpointed entries land here so that a rerun never pays for the same work twice.
/// </summary>
/// <remarks>
/// <para>The last record appended under a key wins. Appends from any number of concurrent callers are safe; an append
/// completes only once its record has been handed to the operating system (it survives the process being killed) or,
/// with <see cref="LedgerOptions.Durable"/>, written through to the disk (it survives a power cut).</para>
/// <para>Two built-in backends keep this contract: <see cref="JsonlLedger"/> (one human-readable <c>.jsonl</c> file) and
/// <see cref="SqliteLedger"/> (a SQLite database in WAL mode); a <see cref="LedgerBackend"/> of your own opens others. A file backend lets only one process open a ledger
/// for writing at a time (a second one gets a <see cref="LedgerException"/> that says so); a database server's
/// (<see cref="LedgerBackend.Postgres(string)"/>) is shared by any number of processes.</para>
/// </remarks>
public interface ILedger : IAsyncDisposable
{
    /// <summary>Where the ledger is kept: for the built-in backends, the full path of its file; for others, what names the ledger in messages.</summary>
    string Location { get; }

    /// <summary>How many distinct keys the ledger holds.</summary>
    long Count { get; }

    /// <summary>Appends <paramref name="record"/> under <paramref name="key"/>, replacing what an earlier record under the key said.</summary>
    /// <param name="key">Any non-empty string.</param>
    /// <param name="record">The JSON value to store; it is serialised before the call returns, so later changes to it are not stored.</param>
    /// <param name="cancellationToken">Cancels waiting for the write; a record already handed to the writer may still land.</param>
    /// <returns>A task that completes once the record is written (see the remarks on <see cref="ILedger"/>).</returns>
    /// <exception cref="LedgerException">The write failed (the disk is full, say); records written before are intact and the ledger refuses further appends.</exception>
    /// <exception cref="ObjectDisposedException">The ledger was disposed.</exception>
    ValueTask AppendAsync(string key, JsonNode record, CancellationToken cancellationToken = default);

    /// <summary>Looks up the last record appended under <paramref name="key"/>.</summary>
    /// <returns>A fresh copy of the record, which the caller owns; <see langword="null"/> when the key is not in the ledger.</returns>
    ValueTask<JsonNode?> TryGetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Looks up many keys at once, which is faster than one at a time.</summary>
    /// <returns>One result per key, in the order of <paramref name="keys"/>; <see langword="null"/> where a key is not in the ledger.</returns>
    ValueTask<IReadOnlyList<JsonNode?>> TryGetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Streams the current record of every key, in the order the records were appended.</summary>
    IAsyncEnumerable<LedgerRecord> EnumerateAsync(CancellationToken cancellationToken = default);

    /// <summary>Rewrites the store so it holds only the last record of each key. Appends wait while it runs.</summary>
    ValueTask CompactAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes every acknowledged record through to the disk (fsync), whatever <see cref="LedgerOptions.Durable"/> says.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
