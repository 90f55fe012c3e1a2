namespace BatchFactory.Brokers;

/// <summary>
/// A batch file being written: its request lines streamed to disk (UTF-8 without a byte-order mark, which Azure
/// rejects), and the requests waiting for it, in line order.
/// </summary>
internal sealed class BatchFile : IDisposable
{
    private readonly FileStream _stream;

    public BatchFile(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
    }

    public string Path { get; }

    public List<BatchWaiter> Waiters { get; } = [];

    public long Bytes { get; private set; }

    public long Tokens { get; private set; }

    /// <summary>Whether every request in it may be sent live instead (all from ops in <see cref="CallMode.Auto"/>).</summary>
    public bool AllAuto { get; private set; } = true;

    /// <summary>The timer that seals the file <see cref="BatchOptions.FlushAfter"/> after its first line.</summary>
    public ITimer? Timer { get; set; }

    /// <summary>Appends a line already written to <paramref name="line"/>.</summary>
    public void Add(BatchWaiter waiter, ReadOnlySpan<byte> line, long tokens)
    {
        _stream.Write(line);
        Waiters.Add(waiter);
        Bytes += line.Length;
        Tokens += tokens;
        AllAuto &= waiter.Request.Mode == CallMode.Auto;
    }

    /// <summary>Closes the file (it can then be uploaded) and stops its timer.</summary>
    public void Dispose()
    {
        Timer?.Dispose();
        _stream.Dispose();
    }
}
