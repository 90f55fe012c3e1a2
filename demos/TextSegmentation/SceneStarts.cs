using System.Globalization;
using System.Text.RegularExpressions;

namespace BatchFactory.Demos;

/// <summary>The plain functions of the TextSegmentation demo: numbering, chunking, reading answers, cutting scenes.</summary>
public static partial class SceneStarts
{
    /// <summary>The story's paragraphs: its non-empty lines.</summary>
    /// <param name="text">The story.</param>
    /// <returns>The paragraphs in order.</returns>
    public static string[] Paragraphs(string text) =>
        [.. text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)];

    /// <summary>Chunks of numbered paragraphs (<c>7: text</c>), with the first and last number of each.</summary>
    /// <param name="paragraphs">The paragraphs, numbered from 1.</param>
    /// <param name="size">Paragraphs per chunk.</param>
    /// <returns>Three lists of the same length: the chunk texts, their first numbers and their last numbers.</returns>
    public static (string[] Chunks, int[] Firsts, int[] Lasts) Chunks(string[] paragraphs, int size)
    {
        var chunks = paragraphs.Select((text, i) => $"{i + 1}: {text}").Chunk(size).ToArray();
        return (
            [.. chunks.Select(c => string.Join('\n', c))],
            [.. chunks.Select((_, k) => (k * size) + 1)],
            [.. chunks.Select((c, k) => (k * size) + c.Length)]);
    }

    /// <summary>The paragraph numbers in a model's answer that lie in the chunk (anything else is ignored).</summary>
    /// <param name="answer">The model's answer, e.g. <c>3, 9</c> or <c>none</c>.</param>
    /// <param name="first">The chunk's first paragraph number.</param>
    /// <param name="last">The chunk's last paragraph number.</param>
    /// <returns>The numbers, ascending, each once.</returns>
    public static int[] Parse(string answer, int first, int last) =>
        [.. Number().Matches(answer)
            .Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture))
            .Where(n => n >= first && n <= last)
            .Distinct()
            .Order()];

    /// <summary>Cuts the paragraphs into scenes at paragraph 1 and every start found.</summary>
    /// <param name="paragraphs">The paragraphs, numbered from 1.</param>
    /// <param name="starts">The starts found in each chunk.</param>
    /// <returns>The text of each scene, paragraphs separated by blank lines.</returns>
    public static string[] Scenes(string[] paragraphs, int[][] starts)
    {
        var cuts = starts.SelectMany(s => s).Append(1).Where(n => n >= 1 && n <= paragraphs.Length).Distinct().Order().ToList();
        return [.. cuts.Select((start, k) =>
        {
            var end = k + 1 < cuts.Count ? cuts[k + 1] - 1 : paragraphs.Length;
            return string.Join("\n\n", paragraphs[(start - 1)..end]);
        })];
    }

    [GeneratedRegex(@"\b\d{1,4}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Number();
}
