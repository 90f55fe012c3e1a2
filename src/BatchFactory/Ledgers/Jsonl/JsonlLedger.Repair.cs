using BatchFactory.Ledgers;

namespace BatchFactory;

public sealed partial class JsonlLedger
{
    /// <summary>
    /// Repairs a ledger that <see cref="OpenAsync"/> refused with a <see cref="LedgerCorruptException"/>: keeps every
    /// readable record in order and sets the unreadable lines aside. The original file is first copied to
    /// <c>&lt;file&gt;.bak-&lt;UTC time&gt;</c>, so nothing is lost; the repaired file replaces it atomically.
    /// A ledger with no bad lines is left untouched.
    /// </summary>
    /// <param name="path">The ledger file. It must not be open.</param>
    /// <param name="cancellationToken">Cancels the repair before the file is replaced.</param>
    /// <returns>What was kept and removed, and where the backup is.</returns>
    /// <exception cref="LedgerException">The ledger is open elsewhere, or the file is not a BatchFactory ledger.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static async ValueTask<LedgerRepairReport> RepairAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"There is no ledger at '{full}' to repair.", full);
        }

        return await Task.Run(() => Repair(full, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static LedgerRepairReport Repair(string path, CancellationToken cancellationToken)
    {
        using var lockFile = LockFile.Acquire(path);
        var temporary = path + ".repair";
        try
        {
            return Repair(path, temporary, cancellationToken);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static LedgerRepairReport Repair(string path, string temporary, CancellationToken cancellationToken)
    {
        var removed = new List<long>();
        long kept = 0;
        using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            output.Write(JsonlFormat.Header);
            JsonlLines.Read(input.SafeFileHandle, 0, input.Length, 1, (line, _, number, terminated) =>
            {
                if (number == 1)
                {
                    var version = JsonlFormat.TryReadHeader(line) ?? throw new LedgerException(path, $"'{path}' is not a BatchFactory ledger (line 1 is not a ledger header), so it was not repaired.");
                    if (version > JsonlFormat.Version)
                    {
                        throw LedgerFiles.NewerFormat(path, version, JsonlFormat.Version);
                    }

                    return true;
                }

                if (terminated && JsonlFormat.TryReadKeyHash(line, out var ignored) is not null)
                {
                    output.Write(line);
                    output.WriteByte((byte)'\n');
                    kept++;
                }
                else
                {
                    removed.Add(number);
                }

                return true;
            }, cancellationToken);
            output.Flush(flushToDisk: true);
        }

        if (removed.Count == 0)
        {
            File.Delete(temporary);
            return new LedgerRepairReport(path, kept, removed, null);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var backup = $"{path}.bak-{DateTime.UtcNow:yyyyMMddTHHmmssfff}";
        File.Copy(path, backup);
        File.Move(temporary, path, overwrite: true);
        return new LedgerRepairReport(path, kept, removed, backup);
    }
}
