using BatchFactory.Ledgers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BatchFactory;

public sealed partial class JsonlLedger
{
    private static JsonlLedger Open(string path, LedgerOptions options, CancellationToken cancellationToken)
    {
        LedgerFiles.CreateFolder(path);
        var lockFile = LockFile.Acquire(path);
        FileStream? file = null;
        try
        {
            file = OpenFile(path);
            var ledger = new JsonlLedger(path, options, lockFile, file);
            ledger.Replay(cancellationToken);
            ledger.Remap();
            return ledger;
        }
        catch
        {
            file?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    private static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LedgerException(path, $"Cannot open the ledger '{path}' for writing: {ex.Message}. Check that the file and its folder are writable.", ex);
        }
    }

    // Reads the whole file once: checks the header, indexes every record, and repairs a torn last line.
    private void Replay(CancellationToken cancellationToken)
    {
        var length = RandomAccess.GetLength(_handle);
        if (length == 0)
        {
            WriteHeader();
            return;
        }

        var torn = ReadHeader(length);
        if (torn is null)
        {
            var data = JsonlReplay.Read(_handle, _dataStart, length, 2, cancellationToken);
            _index.EnsureCapacity(data.Count);
            foreach (var record in data.Parts.SelectMany(part => part))
            {
                _index.Set(record.Hash, record.Slot);
            }

            // Sized for every record; a file that rewrites its keys (checkpoints, failures retried) needs room for fewer.
            if (_index.Count < data.Count * 3L / 4)
            {
                _index.TrimExcess();
            }

            if (data.Bad is { } bad && data.LinesAfterBad)
            {
                throw Corrupt(bad);
            }

            torn = data.Bad;
        }

        if (torn is { } last)
        {
            RepairTornTail(last, length);
        }
        else
        {
            _end = length;
        }

        _file.Position = _end;
    }

    private const int HeaderWindow = 4096;

    // Checks line 1 and sets where the records start; returns the header itself when a crash tore it (it is the only line).
    private JsonlReplay.BadLine? ReadHeader(long length)
    {
        JsonlReplay.BadLine? torn = null;

        // A header is a few dozen bytes: a line 1 not ended within the first few KB is no header either way.
        JsonlLines.Read(_handle, 0, Math.Min(length, HeaderWindow), 1, (line, offset, number, terminated) =>
        {
            var version = JsonlFormat.TryReadHeader(line);
            _dataStart = offset + line.Length + 1;
            if (terminated && version > JsonlFormat.Version)
            {
                throw LedgerFiles.NewerFormat(Location, version.Value, JsonlFormat.Version);
            }

            if (!terminated && JsonlFormat.Header.AsSpan().StartsWith(line))
            {
                // The header of a new ledger, torn by a crash right after the file was created.
                torn = new JsonlReplay.BadLine(number, offset, line.Length, terminated, "it is a torn header");
            }
            else if (version is null || !terminated)
            {
                throw NotALedger();
            }

            return false;
        });
        return torn;
    }

    private void WriteHeader()
    {
        _file.Write(JsonlFormat.Header);
        _file.Flush(flushToDisk: true);
        _dataStart = _end = JsonlFormat.Header.Length;
    }

    private LedgerCorruptException NotALedger() =>
        new(Location, 1, 0, $"'{Location}' is not a BatchFactory ledger: line 1 is not a ledger header. Nothing was changed; point the ledger at another file.");

    private void RepairTornTail(JsonlReplay.BadLine torn, long length)
    {
        var sidecar = Location + ".torn";
        var tail = JsonlLines.ReadAt(_handle, torn.Offset, (int)(length - torn.Offset));
        using (var saved = new FileStream(sidecar, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            saved.Write(tail);
            saved.WriteByte((byte)'\n');
            saved.Flush(flushToDisk: true);
        }

        _file.SetLength(torn.Offset);
        _file.Flush(flushToDisk: true);
        _end = torn.Offset;
        LogTornRecord(_options.Logger ?? NullLogger.Instance, Location, torn.Number, torn.Offset, tail.Length, sidecar);
        if (torn.Number == 1)
        {
            _file.Position = 0;
            WriteHeader();
        }
    }

    private LedgerCorruptException Corrupt(JsonlReplay.BadLine bad) => new(
        Location,
        bad.Number,
        bad.Offset,
        $"The ledger '{Location}' has a record it cannot read at line {bad.Number} (byte offset {bad.Offset}): {bad.Error}. " +
        "Records follow it, so this is not a torn write, and nothing was changed. To keep every readable record and set the bad lines aside, " +
        $"call JsonlLedger.RepairAsync(\"{Location}\"), which first saves a backup of the file; or fix the line by hand.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger {Path}: the last record (line {Line}, byte {Offset}, {Length} bytes) was torn by an interrupted write. It was moved to {Sidecar} and cut from the ledger, which is whole again.")]
    private static partial void LogTornRecord(ILogger logger, string path, long line, long offset, int length, string sidecar);
}
