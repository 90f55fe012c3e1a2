namespace BatchFactory.Ledgers;

/// <summary>Resolves paths inside a folder so that nothing (<c>..</c>, an absolute path, a symbolic link) leads out of it.</summary>
internal static class SafePaths
{
    /// <summary>Checks that <paramref name="segment"/> can name one folder level: letters, digits, <c>.</c>, <c>-</c> and <c>_</c>.</summary>
    public static void CheckSegment(string segment, string what, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(segment, parameterName);
        if (segment is "." or ".." || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException($"The {what} '{segment}' may hold only letters, digits, '.', '-' and '_' (it names a folder or file).", parameterName);
        }
    }

    /// <summary>The full path of <paramref name="relativePath"/> inside <paramref name="root"/>; throws if it would lead outside.</summary>
    public static string Resolve(string root, string relativePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        var segments = relativePath.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        if (Path.IsPathRooted(relativePath) || segments.Length == 0 || segments.Any(s => s is ".."))
        {
            throw Escapes(root, relativePath, "give a path relative to the project folder, without '..'");
        }

        var full = Path.GetFullPath(Path.Combine([root, .. segments]));
        if (!IsInside(full, root))
        {
            throw Escapes(root, relativePath, "give a path relative to the project folder");
        }

        if (!IsInside(RealPath(full), RealPath(root)))
        {
            throw Escapes(root, relativePath, "a symbolic link on the way points outside the project folder");
        }

        return full;
    }

    /// <summary>The path with every symbolic link on the way replaced by what it points to; parts that don't exist stay as they are.</summary>
    public static string RealPath(string path) => RealPath(path, 0);

    private static string RealPath(string path, int depth)
    {
        if (depth > 40)
        {
            throw new IOException($"Too many levels of symbolic links resolving '{path}'.");
        }

        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        foreach (var part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            current = info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target
                ? RealPath(target.FullName, depth + 1)
                : next;
        }

        return current;
    }

    private static bool IsInside(string path, string root)
    {
        var prefix = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static ArgumentException Escapes(string root, string relativePath, string hint) =>
        new($"The path '{relativePath}' leads outside the project folder '{root}': {hint}.", nameof(relativePath));
}
