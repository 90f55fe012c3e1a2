using System.Text;

namespace BatchFactory.Operators;

/// <summary>The lines of a UTF-8 text file with their 1-based numbers, read lazily (one line in memory at a time).</summary>
internal static class TextLines
{
    /// <summary>Enumerates the lines of <paramref name="path"/>; the file is opened when enumeration starts and closed when it ends.</summary>
    /// <exception cref="InputFileException">The file is not UTF-8 text; names the line of the first invalid byte.</exception>
    public static IEnumerable<(long Number, string Text)> Read(string path)
    {
        using var reader = StrictUtf8.OpenText(path);
        long number = 0;
        while (true)
        {
            string? text;
            try
            {
                text = reader.ReadLine();
            }
            catch (DecoderFallbackException ex)
            {
                throw StrictUtf8.NotUtf8(path, ex);
            }

            if (text is null)
            {
                yield break;
            }

            yield return (++number, text);
        }
    }
}
