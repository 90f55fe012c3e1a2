namespace BatchFactory;

/// <summary>
/// A file a reader op reads is missing or is not what it expects: a file or folder that does not exist, a malformed
/// JSONL line or CSV record, text that is not UTF-8, a Parquet column it cannot read. The message names the file and,
/// when known, the 1-based line (and column). A missing file or folder is found before the run starts and thrown as it is, its
/// message naming the op; an error found while a graph runs reaches you as the <see cref="Exception.InnerException"/>
/// of an <see cref="OpException"/>, which names the op.
/// </summary>
public sealed class InputFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="line">The 1-based line where the problem is, or <see langword="null"/> when it is not about one line.</param>
    /// <param name="problem">What is wrong and what to do.</param>
    /// <param name="innerException">The original error, if any.</param>
    public InputFileException(string path, long? line, string problem, Exception? innerException = null)
        : this(path, line, null, problem, innerException)
    {
    }

    /// <summary>Creates the exception for a problem at a line and column.</summary>
    /// <param name="path">The file.</param>
    /// <param name="line">The 1-based line where the problem is, or <see langword="null"/> when it is not about one line.</param>
    /// <param name="column">The 1-based column (in characters) on <paramref name="line"/>, or <see langword="null"/> when not known.</param>
    /// <param name="problem">What is wrong and what to do.</param>
    /// <param name="innerException">The original error, if any.</param>
    public InputFileException(string path, long? line, long? column, string problem, Exception? innerException = null)
        : base($"'{path}'{Where(line, column)}: {problem}", innerException)
    {
        FilePath = path;
        Line = line;
        Column = line is null ? null : column;
    }

    private InputFileException(string path, string message, Exception? innerException)
        : base(message, innerException)
    {
        FilePath = path;
    }

    /// <summary>The file (or, for a missing folder, the folder) that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line where the problem is, or <see langword="null"/> when it is not about one line.</summary>
    public long? Line { get; }

    /// <summary>The 1-based column (in characters) on <see cref="Line"/> where the problem is, or <see langword="null"/> when not known.</summary>
    public long? Column { get; }

    private static string Where(long? line, long? column) =>
        line is null ? "" : column is null ? $", line {line}" : $", line {line}, column {column}";

    /// <summary>A file or folder that does not exist: <paramref name="message"/> is the whole message (it names the op).</summary>
    internal static InputFileException Missing(string path, string message, Exception innerException) => new(path, message, innerException);
}
