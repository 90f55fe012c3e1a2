using Microsoft.Data.Sqlite;

namespace BatchFactory;

public sealed partial class SqliteLedger
{
    /// <summary>
    /// Gives the space of replaced records back to the file system: rebuilds the database (<c>VACUUM</c>) and copies it
    /// out of the write-ahead log. The tables already hold only the last record of each key, and every record keeps its
    /// place (<c>seq</c>), so nothing else changes and the in-memory index stays as it is. Atomic: a crash leaves the
    /// old database or the new one. Needs free disk space of about twice the database's size. Appends wait while it
    /// runs; reads go on.
    /// </summary>
    /// <exception cref="LedgerException">The rebuild failed (the disk is full, say); the ledger is unchanged and still usable.</exception>
    public async ValueTask CompactAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await _commit.ExclusiveAsync(
            () =>
            {
                Maintain("Compacting", _writer.Compact);
                return ValueTask.FromResult(true);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Copies the write-ahead log into the database as far as readers allow and syncs both (or, when a reader holds part
    /// of the log, syncs the log itself); it never waits for readers. With the default <see cref="LedgerOptions.Durable"/>
    /// = <see langword="false"/> this is what makes the latest appends survive a power cut.
    /// </remarks>
    /// <exception cref="LedgerException">The sync failed.</exception>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await _commit.ExclusiveAsync(
            () =>
            {
                Maintain("Flushing", _writer.Flush);
                return ValueTask.FromResult(true);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private void Maintain(string what, Action action)
    {
        try
        {
            action();
        }
        catch (SqliteException ex)
        {
            throw new LedgerException(Location, $"{what} the ledger '{Location}' failed: {ex.Message}. The records are intact. Fix the cause (disk space, permissions) and try again.", ex);
        }
    }
}
