namespace BatchFactory.Testing.Internal;

/// <summary>The non-empty lines of a file's content, read a buffer at a time; each line is valid until the next is read.</summary>
internal static class FileLines
{
    public static IEnumerable<ReadOnlyMemory<byte>> Of(StoredFile file)
    {
        using var stream = file.OpenRead();
        var buffer = new byte[1 << 16];
        int start = 0, end = 0;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                if (newline > start)
                {
                    yield return buffer.AsMemory(start, newline - start);
                }

                start = newline + 1;
                continue;
            }

            // No whole line left in the buffer: keep the partial one at its start (growing it for a long line) and read on.
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            else if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                if (end > start)
                {
                    yield return buffer.AsMemory(start, end - start);
                }

                yield break;
            }

            end += read;
        }
    }
}
