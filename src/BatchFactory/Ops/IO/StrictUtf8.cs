using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace BatchFactory.Operators;

/// <summary>
/// Reads text files as UTF-8 and refuses anything else: an invalid byte is an error naming the file and line, never a
/// silent replacement character. A UTF-8 byte order mark is skipped; a UTF-16 one is refused like any invalid byte.
/// </summary>
internal static class StrictUtf8
{
    /// <summary>UTF-8 that throws on invalid bytes; its preamble lets readers skip a UTF-8 byte order mark.</summary>
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>UTF-8 without a byte order mark, for writing.</summary>
    public static readonly UTF8Encoding NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Opens <paramref name="path"/> for reading text, sequentially.</summary>
    public static StreamReader OpenText(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan), Encoding, detectEncodingFromByteOrderMarks: false);

    /// <summary>Reads a whole file as text.</summary>
    /// <exception cref="InputFileException">The file is not UTF-8 text.</exception>
    public static string ReadAll(string path)
    {
        try
        {
            using var reader = OpenText(path);
            return reader.ReadToEnd();
        }
        catch (DecoderFallbackException ex)
        {
            throw NotUtf8(path, ex);
        }
    }

    /// <summary>The error for a file that is not UTF-8: it names the file and the line of the first invalid byte (found by reading the file again).</summary>
    public static InputFileException NotUtf8(string path, DecoderFallbackException error)
    {
        var (line, offset) = FindInvalidByte(path);
        return new InputFileException(
            path,
            line,
            $"the file is not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8 and read it again.",
            error);
    }

    // The 1-based line and byte offset of the first invalid UTF-8 sequence, or (null, -1) if none is found.
    private static (long? Line, long Offset) FindInvalidByte(string path)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            using var stream = File.OpenRead(path);
            long line = 1, offset = 0;
            var kept = 0;
            int read;
            do
            {
                read = stream.Read(bytes, kept, bytes.Length - kept);
                var available = kept + read;
                var status = Utf8.ToUtf16(bytes.AsSpan(0, available), chars, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: read == 0);
                line += bytes.AsSpan(0, consumed).Count((byte)'\n');
                offset += consumed;
                if (status == System.Buffers.OperationStatus.InvalidData)
                {
                    return (line, offset);
                }

                kept = available - consumed;
                bytes.AsSpan(consumed, kept).CopyTo(bytes);
            }
            while (read > 0);

            return (null, -1);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
