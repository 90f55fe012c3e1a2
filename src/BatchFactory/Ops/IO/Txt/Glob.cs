using System.IO.Enumeration;

namespace BatchFactory.Operators;

/// <summary>
/// File name patterns relative to a folder: <c>*</c> and <c>?</c> within one name, <c>/</c> between folders, and
/// <c>**</c> for any number of folders, e.g. <c>*.txt</c>, <c>notes/*.md</c>, <c>**/*.txt</c>. Case-sensitive.
/// </summary>
internal static class Glob
{
    /// <summary>Checks a pattern when an op is made.</summary>
    /// <exception cref="ArgumentException">The pattern is empty, absolute or uses <c>..</c>.</exception>
    public static string[] Parse(string pattern, string opName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var parts = pattern.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        if (Path.IsPathRooted(pattern) || parts.Length == 0 || parts.Any(p => p is "." or ".."))
        {
            throw new ArgumentException($"{opName}: the pattern '{pattern}' must be relative to the folder, without '.' or '..', e.g. \"*.txt\" or \"**/*.txt\".", nameof(pattern));
        }

        return parts;
    }

    /// <summary>The files under <paramref name="folder"/> that match, as relative paths with <c>/</c>, in ordinal order.</summary>
    public static List<string> Files(string folder, string[] pattern)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = pattern.Length > 1, AttributesToSkip = 0, IgnoreInaccessible = false };
        var matches = Directory.EnumerateFiles(folder, "*", options)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(relative => Matches(pattern, relative.Split('/')))
            .ToList();
        matches.Sort(StringComparer.Ordinal);
        return matches;
    }

    private static bool Matches(ReadOnlySpan<string> pattern, ReadOnlySpan<string> path)
    {
        if (pattern.IsEmpty)
        {
            return path.IsEmpty;
        }

        if (pattern[0] == "**")
        {
            return Matches(pattern[1..], path) || (!path.IsEmpty && Matches(pattern, path[1..]));
        }

        return !path.IsEmpty && FileSystemName.MatchesSimpleExpression(pattern[0], path[0], ignoreCase: false) && Matches(pattern[1..], path[1..]);
    }
}
