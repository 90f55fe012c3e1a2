using BatchFactory.Tests.Architecture;

namespace BatchFactory.Tests.Support;

/// <summary>
/// Checks that a file (or a marked part of one) made from code is up to date, and fails when it is stale. With the
/// environment variable <c>BATCHFACTORY_REGENERATE=1</c> it writes the fresh text instead:
/// <c>BATCHFACTORY_REGENERATE=1 dotnet test --no-build --project tests/BatchFactory.Tests/BatchFactory.Tests.csproj -- --filter-trait Generated=true</c>.
/// </summary>
internal static class GeneratedText
{
    /// <summary>The environment variable that makes the checks write the files.</summary>
    public const string Variable = "BATCHFACTORY_REGENERATE";

    private const string Command = $"{Variable}=1 dotnet test --no-build --project tests/BatchFactory.Tests/BatchFactory.Tests.csproj -- --filter-trait Generated=true";

    private static bool Regenerate => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Checks the whole file at <paramref name="relativePath"/> (from the repository root) is <paramref name="expected"/>.</summary>
    public static void File(string relativePath, string expected)
    {
        var path = Path.Combine(SourceTree.Root, relativePath);
        if (Regenerate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllText(path, expected);
            return;
        }

        Assert.True(System.IO.File.Exists(path), $"{relativePath} is missing; make it with: {Command}");
        Assert.True(Read(path) == expected, $"{relativePath} is stale; remake it with: {Command}");
    }

    /// <summary>
    /// Checks the part of the file at <paramref name="relativePath"/> that follows the line <paramref name="marker"/>, up to
    /// the first empty line, is <paramref name="expected"/> (which ends with one line break).
    /// </summary>
    public static void Section(string relativePath, string marker, string expected)
    {
        var path = Path.Combine(SourceTree.Root, relativePath);
        var text = Read(path);
        var begin = marker + "\n";
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{relativePath} has no line '{marker}'.");
        start += begin.Length;
        var end = text.IndexOf("\n\n", start, StringComparison.Ordinal);
        end = end < 0 ? text.Length : end + 1;
        if (Regenerate)
        {
            System.IO.File.WriteAllText(path, string.Concat(text.AsSpan(0, start), expected, text.AsSpan(end)));
            return;
        }

        Assert.True(text[start..end] == expected, $"The generated part of {relativePath} after '{marker}' is stale; remake it with: {Command}");
    }

    private static string Read(string path) => System.IO.File.ReadAllText(path).ReplaceLineEndings("\n");
}
