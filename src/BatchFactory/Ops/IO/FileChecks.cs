using BatchFactory.Ledgers;

namespace BatchFactory.Operators;

/// <summary>Checks, before a run starts, that the files and folders reader ops read exist.</summary>
internal static class FileChecks
{
    /// <summary>
    /// How the file system tells file names apart: without case on Windows and macOS (where <c>Notes.txt</c> and
    /// <c>notes.txt</c> are one file), with case elsewhere.
    /// </summary>
    public static StringComparer Names { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>Refuses an empty path when the op is made.</summary>
    public static string Path(string? path, string opName, string paramName)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{opName}: give the path of the file or folder (a project path such as project[\"out/x.jsonl\"] works too).", paramName);
        }

        return path;
    }

    /// <exception cref="InputFileException">The file does not exist (or is a folder); the message names the op and the full path, and says where a relative path starts from.</exception>
    public static void FileExists(string opName, string path)
    {
        if (!File.Exists(path))
        {
            var full = System.IO.Path.GetFullPath(path);
            var hint = Directory.Exists(path) ? "it is a folder, not a file" : RelativeHint(path);
            throw InputFileException.Missing(full, $"{opName}: the file '{full}' does not exist ({hint}).", new FileNotFoundException(null, full));
        }
    }

    /// <exception cref="InputFileException">The folder does not exist (or is a file); the message names the op and the full path, and says where a relative path starts from.</exception>
    public static void FolderExists(string opName, string path)
    {
        if (!Directory.Exists(path))
        {
            var full = System.IO.Path.GetFullPath(path);
            var hint = File.Exists(path) ? "it is a file, not a folder" : RelativeHint(path);
            throw InputFileException.Missing(full, $"{opName}: the folder '{full}' does not exist ({hint}).", new DirectoryNotFoundException(full));
        }
    }

    private static string RelativeHint(string path) => System.IO.Path.IsPathRooted(path)
        ? System.IO.Path.GetDirectoryName(path) is { } parent && !Directory.Exists(parent) ? $"there is no folder '{parent}' either" : "check the name"
        : $"'{path}' is relative to the current folder, '{Environment.CurrentDirectory}'; project[\"{path.Replace('\\', '/')}\"] gives a path inside the project folder";

    /// <summary>The full path of an output file that an entry's field names, inside <paramref name="folder"/> (a full path).</summary>
    /// <exception cref="EntryFieldException">The name leads outside the folder (<c>..</c>, an absolute path, a link pointing out).</exception>
    public static string InFolder(string opName, string folder, string name, Entry entry, string field)
    {
        try
        {
            return SafePaths.Resolve(folder, name);
        }
        catch (ArgumentException ex)
        {
            throw new EntryFieldException(entry.Idx, field, $"{opName}: the value '{name}' of field '{field}' of entry '{entry.Idx}' cannot name a file in '{folder}': {ex.Message}", ex);
        }
    }

    /// <summary>Checks an optional list of fields or columns: when given, each is named once.</summary>
    public static string[]? Keys(string opName, string[]? keys, string paramName)
    {
        if (keys is not null)
        {
            KeyChecks.Distinct(opName, keys, paramName);
        }

        return keys;
    }

    /// <summary>A file op's description: its path, then the fields it is limited to, if any.</summary>
    public static string Describe(string path, string[]? keys) => keys is null ? path : $"{path}: {string.Join(", ", keys)}";
}
