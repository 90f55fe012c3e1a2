using System.Runtime.CompilerServices;
using BatchFactory.Ledgers;

namespace BatchFactory;

public sealed partial class JsonlLedger
{
    private const int EnumerationBatch = 1024;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The ledger was compacted while it was being enumerated.</exception>
    public async IAsyncEnumerable<LedgerRecord> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        int generation;
        long position, end;
        _guard.EnterReadLock();
        try
        {
            (generation, position, end) = (_generation, _dataStart, _end);
        }
        finally
        {
            _guard.ExitReadLock();
        }

        var batch = new List<LedgerRecord>(EnumerationBatch);
        while (position < end)
        {
            position = ReadCurrentRecords(generation, position, end, batch, cancellationToken);
            foreach (var record in batch)
            {
                yield return record;
            }

            batch.Clear();
            await Task.Yield();
        }
    }

    /// <summary>
    /// Rewrites the file with only the last record of each key, atomically: the new file is written beside the old one,
    /// flushed to disk, then renamed over it, so a crash leaves either the old file or the new one, never half of each.
    /// </summary>
    public async ValueTask CompactAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await _commit.ExclusiveAsync(
            () =>
            {
                try
                {
                    Compact(cancellationToken);
                }
                catch
                {
                    File.Delete(Location + ".compact");
                    throw;
                }

                return ValueTask.FromResult(true);
            },
            cancellationToken).ConfigureAwait(false);
    }

    // Reads up to a batch of lines from position, keeps those that are their key's last record; returns where it stopped.
    private long ReadCurrentRecords(int generation, long position, long end, List<LedgerRecord> batch, CancellationToken cancellationToken)
    {
        _guard.EnterReadLock();
        try
        {
            if (_generation != generation)
            {
                throw new InvalidOperationException($"The ledger '{Location}' was compacted while it was being enumerated; enumerate it again.");
            }

            var next = position;
            JsonlLines.Read(_handle, position, end, 0, (line, offset, _, _) =>
            {
                var (key, value) = JsonlFormat.Read(line);
                if (_index.IsCurrent(LedgerKeys.Hash(key), new Slot(offset, line.Length), key))
                {
                    batch.Add(new LedgerRecord(key, value));
                }

                next = offset + line.Length + 1;
                return batch.Count < EnumerationBatch;
            }, cancellationToken);
            return next;
        }
        finally
        {
            _guard.ExitReadLock();
        }
    }

    // Called with the group commit's turn held, so no batch is written meanwhile.
    private void Compact(CancellationToken cancellationToken)
    {
        var temporary = Location + ".compact";
        var index = new JsonlIndex(ReadKeyAt);
        long written = JsonlFormat.Header.Length;
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            output.Write(JsonlFormat.Header);
            _guard.EnterReadLock();
            try
            {
                JsonlLines.Read(_handle, _dataStart, _end, 0, (line, offset, _, _) =>
                {
                    var key = JsonlFormat.ReadKey(line);
                    var hash = LedgerKeys.Hash(key);
                    if (_index.IsCurrent(hash, new Slot(offset, line.Length), key))
                    {
                        index.AddDistinct(hash, new Slot(written, line.Length), key);
                        output.Write(line);
                        output.WriteByte((byte)'\n');
                        written += line.Length + 1;
                    }

                    return true;
                }, cancellationToken);
            }
            finally
            {
                _guard.ExitReadLock();
            }

            output.Flush(flushToDisk: true);
        }

        _guard.EnterWriteLock();
        try
        {
            _map?.Dispose();
            _map = null;
            _file.Dispose();
            try
            {
                File.Move(temporary, Location, overwrite: true);
            }
            catch
            {
                // The old file is untouched: keep using it.
                _file = OpenFile(Location);
                _handle = _file.SafeFileHandle;
                _out = _options.WrapStream?.Invoke(_file) ?? _file;
                _file.Position = _end;
                Remap();
                File.Delete(temporary);
                throw;
            }

            _file = OpenFile(Location);
            _handle = _file.SafeFileHandle;
            _out = _options.WrapStream?.Invoke(_file) ?? _file;
            _file.Position = written;
            _index = index;
            _dataStart = JsonlFormat.Header.Length;
            _end = written;
            Remap();
            _generation++;
        }
        finally
        {
            _guard.ExitWriteLock();
        }
    }
}
