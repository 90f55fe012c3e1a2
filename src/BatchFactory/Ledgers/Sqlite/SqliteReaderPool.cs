using System.Collections.Concurrent;

namespace BatchFactory.Ledgers;

/// <summary>
/// The reading connections of a SQLite ledger, opened when first needed and kept for reuse (up to twice the number of
/// processors; any beyond are closed when returned). Not guarded against disposal while lent: the ledger's read lock is.
/// </summary>
internal sealed class SqliteReaderPool(string path) : IDisposable
{
    private static readonly int MaxIdle = Math.Max(4, 2 * Environment.ProcessorCount);

    private readonly ConcurrentBag<SqliteReader> _idle = [];

    public SqliteReader Rent() => _idle.TryTake(out var reader) ? reader : SqliteReader.Open(path);

    /// <summary>Takes back a reader that was lent; <paramref name="healthy"/> is false after a failed read, which closes it.</summary>
    public void Return(SqliteReader reader, bool healthy)
    {
        if (healthy && _idle.Count < MaxIdle)
        {
            _idle.Add(reader);
        }
        else
        {
            reader.Dispose();
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }
}
