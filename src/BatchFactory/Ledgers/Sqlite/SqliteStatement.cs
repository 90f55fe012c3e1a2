using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BatchFactory.Ledgers;

/// <summary>
/// A prepared statement driven through SQLite's C API, for the ledger's hot paths: parameters are bound by position and
/// blobs are read in place, so a step costs no allocation. Errors surface as <see cref="SqliteException"/>, as with
/// Microsoft.Data.Sqlite's own commands. Not thread-safe; dispose it before its connection.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <param name="connection">An open connection.</param>
    /// <param name="sql">One statement; parameters are written <c>?1</c>, <c>?2</c>, ...</param>
    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var statement);
        if (rc != raw.SQLITE_OK || statement is null)
        {
            statement?.Dispose();
            throw Error(rc, _db);
        }

        _statement = statement;
    }

    public SqliteStatement Bind(int parameter, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, parameter, value));
        return this;
    }

    public SqliteStatement Bind(int parameter, ReadOnlySpan<byte> value)
    {
        Check(raw.sqlite3_bind_blob(_statement, parameter, value));
        return this;
    }

    /// <summary>Moves to the next row: <see langword="false"/> once there is none. On an error, resets the statement and throws.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            Fail(rc);
        }

        return false;
    }

    /// <summary>Runs a statement that returns no rows, then resets it for the next run.</summary>
    public void Execute()
    {
        Step();
        Reset();
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>The blob in <paramref name="column"/> of the current row, in SQLite's memory: valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>Ends the current run (and the read it holds), keeping the bindings.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            Fail(rc);
        }
    }

    private void Fail(int rc)
    {
        var error = Error(rc, _db);
        raw.sqlite3_reset(_statement);
        throw error;
    }

    // The exception Microsoft.Data.Sqlite throws for the same error, with SQLite's message.
    private static SqliteException Error(int rc, sqlite3 db) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(db));
}
