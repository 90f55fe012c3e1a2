using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace BatchFactory.Ledgers;

/// <summary>
/// Reads the records of a JSONL ledger's data region (every line after the header) on several workers at once: the
/// region is cut at line boundaries into parts, each part is checked and its keys hashed on its own, and the result
/// is what one read from start to end would give: the records in file order up to the first line that is not a record.
/// </summary>
internal static class JsonlReplay
{
    /// <summary>Parts are at least this large: below it, a worker costs more than it saves.</summary>
    public const long MinPartSize = 1 << 20;

    /// <summary>A record line: the hash of its key and where the line is.</summary>
    public readonly record struct Record(ulong Hash, Slot Slot);

    /// <summary>A line that is not a record, with its 1-based line number in the file.</summary>
    public readonly record struct BadLine(long Number, long Offset, int Length, bool Terminated, string Error);

    /// <summary>
    /// The records before the first bad line, as parts in file order; that bad line, if any; and whether another line
    /// follows it (then the file is corrupt rather than torn at its end).
    /// </summary>
    public sealed record Result(IReadOnlyList<List<Record>> Parts, BadLine? Bad, bool LinesAfterBad)
    {
        /// <summary>How many records the parts hold in all.</summary>
        public int Count => Parts.Sum(p => p.Count);
    }

    /// <summary>Reads the lines from <paramref name="start"/> to <paramref name="end"/>, the first of which is line <paramref name="firstNumber"/>.</summary>
    /// <param name="file">The ledger file.</param>
    /// <param name="start">Where the first record line starts.</param>
    /// <param name="end">The file's length.</param>
    /// <param name="firstNumber">The line number of the first record line.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <param name="workers">How many parts at most. Default: one per core.</param>
    /// <param name="minPartSize">The smallest part worth a worker of its own.</param>
    public static Result Read(SafeFileHandle file, long start, long end, long firstNumber, CancellationToken cancellationToken, int workers = 0, long minPartSize = MinPartSize)
    {
        var ranges = Split(file, start, end, workers > 0 ? workers : Environment.ProcessorCount, minPartSize);
        var parts = new Part[ranges.Count];
        if (ranges.Count == 1)
        {
            parts[0] = ReadPart(file, ranges[0], cancellationToken);
        }
        else
        {
            try
            {
                Parallel.For(0, ranges.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = ranges.Count }, i => parts[i] = ReadPart(file, ranges[i], cancellationToken));
            }
            catch (AggregateException ex)
            {
                ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
            }
        }

        // In file order: the first bad line decides, and any line after it, in its part or a later one (every part holds
        // at least one line), makes it corrupt.
        var lines = firstNumber;
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Bad is { } bad)
            {
                var after = parts[i].LinesAfterBad || i < parts.Length - 1;
                return new Result([.. parts[..(i + 1)].Select(p => p.Records)], bad with { Number = lines + bad.Number }, after);
            }

            lines += parts[i].Records.Count;
        }

        return new Result([.. parts.Select(p => p.Records)], null, false);
    }

    // Cuts [start, end) into up to `workers` ranges of at least `minPartSize` bytes, each ending just after a newline
    // (except the last, which ends at `end`).
    private static List<(long Start, long End)> Split(SafeFileHandle file, long start, long end, int workers, long minPartSize)
    {
        var count = (int)Math.Clamp((end - start) / Math.Max(1, minPartSize), 1, workers);
        var ranges = new List<(long, long)>(count);
        var from = start;
        for (var i = 1; i < count; i++)
        {
            var cut = NextLineStart(file, start + ((end - start) * i / count), end);
            if (cut >= end)
            {
                break;
            }

            if (cut > from)
            {
                ranges.Add((from, cut));
                from = cut;
            }
        }

        ranges.Add((from, end));
        return ranges;
    }

    // The offset just after the first newline at or after `position`; `end` if there is none.
    private static long NextLineStart(SafeFileHandle file, long position, long end)
    {
        Span<byte> window = stackalloc byte[4096];
        while (position < end)
        {
            var read = RandomAccess.Read(file, window[..(int)Math.Min(window.Length, end - position)], position);
            if (read == 0)
            {
                break;
            }

            var newline = window[..read].IndexOf((byte)'\n');
            if (newline >= 0)
            {
                return position + newline + 1;
            }

            position += read;
        }

        return end;
    }

    // Reads one range until its end or the line after its first bad line. Line numbers in it count from 0.
    private static Part ReadPart(SafeFileHandle file, (long Start, long End) range, CancellationToken cancellationToken)
    {
        var part = new Part();
        JsonlLines.Read(file, range.Start, range.End, 0, (line, offset, number, terminated) =>
        {
            if (part.Bad is not null)
            {
                part.LinesAfterBad = true;
                return false;
            }

            var hash = JsonlFormat.TryReadKeyHash(line, out var error);
            if (hash is null || !terminated)
            {
                part.Bad = new BadLine(number, offset, line.Length, terminated, error ?? "it does not end in a newline");
                return true;
            }

            part.Records.Add(new Record(hash.Value, new Slot(offset, line.Length)));
            return true;
        }, cancellationToken);
        return part;
    }

    private sealed class Part
    {
        public List<Record> Records { get; } = [];

        public BadLine? Bad { get; set; }

        public bool LinesAfterBad { get; set; }
    }
}
