using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace BatchFactory.Ledgers;

/// <summary>Reads the lines of a file in order with large positional reads, without loading the file.</summary>
internal static class JsonlLines
{
    /// <summary>Handles one line.</summary>
    /// <param name="line">The line without its newline.</param>
    /// <param name="offset">The byte offset where the line starts.</param>
    /// <param name="number">The 1-based line number.</param>
    /// <param name="terminated">Whether the line ends in a newline (only the last line of a file may not).</param>
    /// <returns><see langword="false"/> to stop reading.</returns>
    public delegate bool LineHandler(ReadOnlySpan<byte> line, long offset, long number, bool terminated);

    private const int ChunkSize = 1 << 20;

    /// <summary>Reads the lines between <paramref name="start"/> and <paramref name="end"/>, numbering from <paramref name="firstNumber"/>.</summary>
    public static void Read(SafeFileHandle file, long start, long end, long firstNumber, LineHandler handle, CancellationToken cancellationToken = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var filled = 0;           // bytes in buffer
            var bufferStart = start;  // file offset of buffer[0]
            var number = firstNumber;
            var position = start;     // file offset of the next byte to read
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var want = (int)Math.Min(buffer.Length - filled, end - position);
                var read = want == 0 ? 0 : RandomAccess.Read(file, buffer.AsSpan(filled, want), position);
                position += read;
                filled += read;
                var atEnd = read == 0;

                var consumed = 0;
                while (true)
                {
                    var rest = buffer.AsSpan(consumed, filled - consumed);
                    var newline = rest.IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        break;
                    }

                    if (!handle(rest[..newline], bufferStart + consumed, number++, true))
                    {
                        return;
                    }

                    consumed += newline + 1;
                }

                if (atEnd)
                {
                    if (consumed < filled)
                    {
                        handle(buffer.AsSpan(consumed, filled - consumed), bufferStart + consumed, number, false);
                    }

                    return;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                bufferStart += consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
    public static byte[] ReadAt(SafeFileHandle file, long offset, int length)
    {
        var bytes = new byte[length];
        ReadAt(file, offset, bytes);
        return bytes;
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>.</summary>
    public static void ReadAt(SafeFileHandle file, long offset, Span<byte> destination)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var read = RandomAccess.Read(file, destination[done..], offset + done);
            if (read == 0)
            {
                throw new EndOfStreamException($"The ledger file ends before byte {offset + destination.Length}.");
            }

            done += read;
        }
    }
}
