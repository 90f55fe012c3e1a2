using BatchFactory.Ledgers;
using Microsoft.Data.Sqlite;

namespace BatchFactory;

public sealed partial class SqliteLedger
{
    private const int SqliteNotADatabase = 26;

    /// <summary>
    /// Opens the ledger at <paramref name="path"/>, creating the database (and its folder) if needed, and builds the
    /// in-memory index from the table of key hashes (about 17 bytes per key on disk, not the records themselves): about
    /// half a second per million keys.
    /// </summary>
    /// <param name="path">The ledger's database file, conventionally ending in <c>.sqlite</c>.</param>
    /// <param name="options">How to open it; default <see cref="LedgerOptions"/>. <see cref="LedgerOptions.Logger"/> is not used: SQLite recovers from interrupted writes by itself.</param>
    /// <param name="cancellationToken">Cancels the open, also while the index is being built.</param>
    /// <exception cref="LedgerException">
    /// The folder is not writable, another process (or another open ledger in this one) has the ledger open, the file is
    /// not a SQLite database or not a BatchFactory ledger, or it was written in another ledger format (a newer one, or
    /// the format 1 of earlier versions). The file is left unchanged.
    /// </exception>
    public static async ValueTask<SqliteLedger> OpenAsync(string path, LedgerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        options ??= LedgerOptions.Default;
        return await Task.Run(() => Open(full, options, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static SqliteLedger Open(string path, LedgerOptions options, CancellationToken cancellationToken)
    {
        LedgerFiles.CreateFolder(path);
        var lockFile = LockFile.Acquire(path);
        SqliteConnection? connection = null;
        SqliteWriter? writer = null;
        try
        {
            connection = new SqliteConnection(SqliteFormat.ConnectionString(path, SqliteOpenMode.ReadWriteCreate));
            connection.Open();
            var isNew = CheckFormat(connection, path);
            Configure(connection, path, options.Durable);
            if (isNew)
            {
                SqliteFormat.Execute(connection, $"BEGIN IMMEDIATE; {SqliteFormat.Schema} COMMIT;");

                // Copy the schema into the database file itself, so the file alone is a whole ledger from the start.
                SqliteFormat.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            }

            writer = new SqliteWriter(connection, options.Durable);
            return new SqliteLedger(path, lockFile, writer, writer.ReadIndex(cancellationToken));
        }
        catch (Exception ex)
        {
            if (writer is null)
            {
                connection?.Dispose();
            }
            else
            {
                writer.Dispose();
            }

            lockFile.Dispose();
            if (ex is SqliteException sqlite)
            {
                throw CannotOpen(path, sqlite);
            }

            throw;
        }
    }

    private static LedgerException CannotOpen(string path, SqliteException ex) => ex.SqliteErrorCode == SqliteNotADatabase
        ? new LedgerException(path, $"'{path}' is not a SQLite database, so not a BatchFactory SQLite ledger. Nothing was changed; point the ledger at another file (a .jsonl ledger opens with JsonlLedger).", ex)
        : new LedgerException(path, $"Cannot open the ledger '{path}': {ex.Message}. Check that the file and its folder are writable and that the file is not damaged (PRAGMA integrity_check in any SQLite tool).", ex);

    // Reads the header without writing anything; true for a new, empty database.
    private static bool CheckFormat(SqliteConnection connection, string path)
    {
        var applicationId = Convert.ToInt64(SqliteFormat.Scalar(connection, "PRAGMA application_id"));
        var version = Convert.ToInt64(SqliteFormat.Scalar(connection, "PRAGMA user_version"));
        if (applicationId == 0 && version == 0 && Convert.ToInt64(SqliteFormat.Scalar(connection, "SELECT count(*) FROM sqlite_schema")) == 0)
        {
            return true;
        }

        if (applicationId != SqliteFormat.ApplicationId || version < 1)
        {
            throw new LedgerException(path, $"'{path}' is a SQLite database but not a BatchFactory ledger (its application_id is {applicationId}). Nothing was changed; point the ledger at another file.");
        }

        if (version > SqliteFormat.Version)
        {
            throw LedgerFiles.NewerFormat(path, version, SqliteFormat.Version);
        }

        if (version < SqliteFormat.Version)
        {
            throw new LedgerException(path, $"The ledger '{path}' is in ledger format {version}, which an earlier BatchFactory wrote and this version does not read (it reads format {SqliteFormat.Version}). The file was not changed. Open it with the version that wrote it, or move it aside to start a new ledger (the run then redoes the work it held).");
        }

        return false;
    }

    private static void Configure(SqliteConnection connection, string path, bool durable)
    {
        if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
        {
            throw new LedgerException(path, $"The ledger '{path}' is read-only. Make the file and its folder writable, or copy the ledger somewhere you can write.");
        }

        var mode = SqliteFormat.Scalar(connection, "PRAGMA journal_mode = WAL") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new LedgerException(path, $"The ledger '{path}' cannot use SQLite's write-ahead log (journal mode stayed '{mode}'); network file systems do not support it. Put the ledger on a local disk.");
        }

        SqliteFormat.Execute(connection, $"""
            PRAGMA synchronous = {(durable ? "FULL" : "NORMAL")};
            PRAGMA busy_timeout = {SqliteFormat.BusyTimeoutMilliseconds};
            PRAGMA cache_size = -{SqliteFormat.WriterCacheKiB};
            PRAGMA mmap_size = {SqliteFormat.MemoryMapBytes};
            PRAGMA wal_autocheckpoint = {SqliteFormat.CheckpointPages};
            PRAGMA journal_size_limit = {SqliteFormat.JournalSizeLimitBytes};
            """);
    }
}
