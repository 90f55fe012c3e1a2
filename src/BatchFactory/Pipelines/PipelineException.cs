namespace BatchFactory;

/// <summary>
/// A YAML pipeline that cannot load: the file, line and column of the problem and what was expected. The message
/// starts with <c>file:line:col: </c>, as compilers write it, so editors and terminals link to the place.
/// </summary>
public sealed class PipelineException : Exception
{
    /// <summary>Makes the exception; the message is prefixed with the place.</summary>
    /// <param name="filePath">The pipeline file (or a prompt file it names).</param>
    /// <param name="line">The line, 1-based; 0 when unknown (e.g. a <c>--set</c> that names nothing in the file).</param>
    /// <param name="column">The column, 1-based; 0 when unknown.</param>
    /// <param name="message">What is wrong and what was expected.</param>
    /// <param name="innerException">The cause, if any.</param>
    public PipelineException(string filePath, int line, int column, string message, Exception? innerException = null)
        : base($"{filePath}:{line}:{column}: {message}", innerException)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        Problem = message;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }

    /// <summary>The line, 1-based; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The column, 1-based; 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The message without the place.</summary>
    public string Problem { get; }
}
