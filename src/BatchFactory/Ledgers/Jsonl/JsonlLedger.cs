using System.Buffers;
using System.Text.Json.Nodes;
using BatchFactory.Ledgers;
using Microsoft.Win32.SafeHandles;

namespace BatchFactory;

/// <summary>
/// A ledger kept in one append-only JSON Lines file: human-readable, greppable and copy-anywhere. On open the file is
/// replayed into an in-memory index of where each key's last record is (about 40 bytes per key; values stay on disk).
/// </summary>
/// <remarks>
/// <para>Line 1 is a header naming the format version; each further line is <c>{"k":"key","v":value}</c>.</para>
/// <para>Durability: an append completes once its line is written to the operating system, which survives the process
/// dying; with <see cref="LedgerOptions.Durable"/> it also waits for an fsync, which survives a power cut. A line torn by
/// a crash mid-write is found on the next open, moved to <c>&lt;file&gt;.torn</c> with a warning, and cut from the file.
/// A bad line anywhere else stops the open with a <see cref="LedgerCorruptException"/>; see <see cref="RepairAsync"/>.</para>
/// </remarks>
public sealed partial class JsonlLedger : ILedger, IAppendsJsonRecords
{
    private readonly LedgerOptions _options;
    private readonly LockFile _lock;
    private readonly GroupCommit<PendingRecord> _commit;
    private readonly ReaderWriterLockSlim _guard = new(LockRecursionPolicy.NoRecursion);
    private FileStream _file;
    private SafeFileHandle _handle;
    private Stream _out;
    private JsonlIndex _index;
    private JsonlReadMap? _map;
    private long _dataStart;
    private long _end;
    private int _generation;
    private int _disposed;

    private JsonlLedger(string path, LedgerOptions options, LockFile lockFile, FileStream file)
    {
        Location = path;
        _options = options;
        _lock = lockFile;
        _file = file;
        _handle = file.SafeFileHandle;
        _out = options.WrapStream?.Invoke(file) ?? file;
        _index = new JsonlIndex(ReadKeyAt);
        _commit = new GroupCommit<PendingRecord>(WriteBatch, ex => LedgerFiles.WriteFailed(Location, ex));
    }

    /// <inheritdoc/>
    public string Location { get; }

    /// <summary>How many keys the in-memory index has room for (it holds about 40 bytes per key of room).</summary>
    internal int IndexCapacity
    {
        get
        {
            _guard.EnterReadLock();
            try
            {
                return _index.Capacity;
            }
            finally
            {
                _guard.ExitReadLock();
            }
        }
    }

    /// <inheritdoc/>
    public long Count
    {
        get
        {
            _guard.EnterReadLock();
            try
            {
                return _index.Count;
            }
            finally
            {
                _guard.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// Opens the ledger at <paramref name="path"/>, creating the file (and its folder) if needed, and replays it.
    /// </summary>
    /// <param name="path">The ledger's file, conventionally ending in <c>.jsonl</c>.</param>
    /// <param name="options">How to open it; default <see cref="LedgerOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <exception cref="LedgerException">The folder is not writable, another process has the ledger open, or the file was written by a newer format.</exception>
    /// <exception cref="LedgerCorruptException">A record in the middle of the file cannot be read.</exception>
    public static async ValueTask<JsonlLedger> OpenAsync(string path, LedgerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        options ??= LedgerOptions.Default;
        return await Task.Run(() => Open(full, options, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask AppendAsync(string key, JsonNode record, CancellationToken cancellationToken = default)
    {
        LedgerKeys.Check(key);
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfDisposed();
        return Append(key, JsonlFormat.Line(key, record), cancellationToken);
    }

    /// <inheritdoc/>
    ValueTask IAppendsJsonRecords.AppendAsync(string key, IJsonRecord record, CancellationToken cancellationToken)
    {
        LedgerKeys.Check(key);
        ThrowIfDisposed();
        return Append(key, JsonlFormat.Line(key, record), cancellationToken);
    }

    private ValueTask Append(string key, byte[] line, CancellationToken cancellationToken) =>
        _commit.AddAsync(new PendingRecord(key, LedgerKeys.Hash(key), line), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<JsonNode?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        LedgerKeys.Check(key);
        ThrowIfDisposed();
        _guard.EnterReadLock();
        try
        {
            return ValueTask.FromResult(Find(key));
        }
        finally
        {
            _guard.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JsonNode?>> TryGetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ThrowIfDisposed();
        var found = new JsonNode?[keys.Count];
        _guard.EnterReadLock();
        try
        {
            for (var i = 0; i < keys.Count; i++)
            {
                LedgerKeys.Check(keys[i]);
                found[i] = Find(keys[i]);
            }
        }
        finally
        {
            _guard.ExitReadLock();
        }

        return ValueTask.FromResult<IReadOnlyList<JsonNode?>>(found);
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return new(_commit.ExclusiveAsync(
            () =>
            {
                _file.Flush(flushToDisk: true);
                return ValueTask.FromResult(true);
            },
            cancellationToken).AsTask());
    }

    /// <summary>Writes what is pending, closes the file and releases the lock. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await _commit.ExclusiveAsync(
                () =>
                {
                    _file.Flush(flushToDisk: _options.Durable);
                    return ValueTask.FromResult(true);
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (LedgerException)
        {
            // A failed write already told its caller; what was written before it is on disk.
        }
        finally
        {
            _guard.EnterWriteLock();
            _map?.Dispose();
            _map = null;
            _file.Dispose();
            _guard.ExitWriteLock();
            _lock.Dispose();
            _commit.Dispose();
        }
    }

    // Called with the guard held (read or write).
    private JsonNode? Find(string key)
    {
        if (!_index.TryGet(key, LedgerKeys.Hash(key), out var slot))
        {
            return null;
        }

        var line = ArrayPool<byte>.Shared.Rent(slot.Length);
        try
        {
            ReadAt(slot, line.AsSpan(0, slot.Length));
            return JsonlFormat.ReadValueIfKey(line.AsSpan(0, slot.Length), key);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(line);
        }
    }

    private string ReadKeyAt(Slot slot)
    {
        var line = new byte[slot.Length];
        ReadAt(slot, line);
        return JsonlFormat.ReadKey(line);
    }

    // From the memory map when it covers the record, else from the file. Under the guard (read or write).
    private void ReadAt(Slot slot, Span<byte> destination)
    {
        if (_map is null || !_map.TryRead(slot.Offset, destination))
        {
            JsonlLines.ReadAt(_handle, slot.Offset, destination);
        }
    }

    // Under the write guard: maps the file up to its current end (records appended later are read from the file until
    // the next remap, which happens once the unmapped part has grown as large as the mapped one).
    private void Remap()
    {
        _map?.Dispose();
        _map = JsonlReadMap.Create(_handle, _end);
    }

    private void RemapIfGrown()
    {
        var mapped = _map?.Length ?? 0;
        if (_end - mapped >= Math.Max(mapped, 1 << 20))
        {
            Remap();
        }
    }

    // The group commit's writer: one write (and at most one fsync) for the whole batch, then the index learns the offsets.
    private ValueTask WriteBatch(List<PendingRecord> batch)
    {
        var total = 0;
        foreach (var record in batch)
        {
            total += record.Line.Length;
        }

        try
        {
            if (batch.Count == 1)
            {
                _out.Write(batch[0].Line);
            }
            else
            {
                WriteJoined(batch, total);
            }

            _out.Flush();
            if (_options.Durable)
            {
                _file.Flush(flushToDisk: true);
            }
        }
        catch
        {
            CutBackTo(_end);
            throw;
        }

        _guard.EnterWriteLock();
        try
        {
            var offset = _end;
            foreach (var record in batch)
            {
                _index.Set(record.Hash, new Slot(offset, record.Line.Length - 1), record.Key);
                offset += record.Line.Length;
            }

            _end = offset;
            RemapIfGrown();
        }
        finally
        {
            _guard.ExitWriteLock();
        }

        return ValueTask.CompletedTask;
    }

    private void WriteJoined(List<PendingRecord> batch, int total)
    {
        var joined = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var at = 0;
            foreach (var record in batch)
            {
                record.Line.CopyTo(joined, at);
                at += record.Line.Length;
            }

            _out.Write(joined, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
        }
    }

    // After a failed write, drop whatever part of it reached the file so the file ends on a whole record.
    private void CutBackTo(long end)
    {
        try
        {
            _file.SetLength(end);
            _file.Position = end;
        }
        catch (IOException)
        {
            // The next open finds the torn tail and repairs it.
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);

    private readonly record struct PendingRecord(string Key, ulong Hash, byte[] Line);
}
