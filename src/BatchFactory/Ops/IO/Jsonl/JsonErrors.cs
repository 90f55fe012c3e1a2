using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BatchFactory.Operators;

/// <summary>Turns System.Text.Json's errors into what a reader op reports: the problem without the serializer's own position text, and a 1-based column.</summary>
internal static partial class JsonErrors
{
    /// <summary>The problem <paramref name="ex"/> describes, without its <c>Path: … | LineNumber: … | BytePositionInLine: …</c> suffix, which counts from 0 and from the parsed text, not the file.</summary>
    public static string Problem(JsonException ex) => PositionSuffix().Replace(ex.Message, "").TrimEnd();

    /// <summary>
    /// The 1-based column (in characters) of <paramref name="ex"/>'s <see cref="JsonException.BytePositionInLine"/> in
    /// <paramref name="line"/>, the text of the line it is about; <see langword="null"/> when the exception has no position.
    /// </summary>
    public static long? Column(JsonException ex, string line)
    {
        if (ex.BytePositionInLine is not { } bytes)
        {
            return null;
        }

        var utf8 = Encoding.UTF8.GetBytes(line);
        var prefix = (int)Math.Min(bytes, utf8.Length);
        return Encoding.UTF8.GetCharCount(utf8, 0, prefix) + 1;
    }

    /// <summary>The text of 0-based line <paramref name="index"/> of <paramref name="text"/> (lines end at <c>\n</c>), or an empty string when there is no such line.</summary>
    public static string LineOf(string text, long index)
    {
        var start = 0;
        for (long i = 0; i < index; i++)
        {
            var next = text.IndexOf('\n', start);
            if (next < 0)
            {
                return "";
            }

            start = next + 1;
        }

        var end = text.IndexOf('\n', start);
        return (end < 0 ? text[start..] : text[start..end]).TrimEnd('\r');
    }

    [GeneratedRegex(@"\s*(Path: [^|]*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex PositionSuffix();
}
