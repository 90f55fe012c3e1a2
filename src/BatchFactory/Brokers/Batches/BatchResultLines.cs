using System.Buffers;

namespace BatchFactory.Brokers;

/// <summary>
/// Reads the lines of a result file (an output or error file) as it arrives, a buffer at a time, without holding the
/// file: each line is handed over before more of the stream is read. A line longer than the buffer grows it.
/// </summary>
internal static class BatchResultLines
{
    /// <summary>Handles one line, without its newline (and without a trailing carriage return); never empty.</summary>
    public delegate void LineHandler(ReadOnlySpan<byte> line);

    private const int BufferSize = 1 << 16;

    /// <summary>Reads <paramref name="stream"/> to its end, handing each non-empty line to <paramref name="handle"/> in order.</summary>
    public static async Task ReadAsync(Stream stream, LineHandler handle, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                var atEnd = read == 0;
                filled += read;
                var consumed = Handle(buffer.AsSpan(0, filled), handle, atEnd);
                if (atEnd)
                {
                    return;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Hands over every complete line of the buffer (and at the end the last, unterminated one); returns the bytes used.
    private static int Handle(ReadOnlySpan<byte> filled, LineHandler handle, bool atEnd)
    {
        var consumed = 0;
        while (consumed < filled.Length)
        {
            var rest = filled[consumed..];
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0 && !atEnd)
            {
                break;
            }

            var line = (newline < 0 ? rest : rest[..newline]).TrimEnd((byte)'\r');
            if (!line.IsEmpty)
            {
                handle(line);
            }

            consumed += newline < 0 ? rest.Length : newline + 1;
        }

        return consumed;
    }
}
