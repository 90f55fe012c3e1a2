namespace BatchFactory;

/// <summary>
/// An op failed while a graph ran: a user function threw, or an entry lacked what the op needs.
/// The message names the op, its node index in the graph and the entry idx; <see cref="Exception.InnerException"/>
/// is the original error. The run stops cleanly when this is thrown; nothing already written is lost.
/// </summary>
public sealed class OpException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="opName">The op's name (see <see cref="Op.Name"/>).</param>
    /// <param name="node">The op's index in the graph (as in <see cref="Graph.ToString"/>).</param>
    /// <param name="idx">The idx of the entry being processed, if any.</param>
    /// <param name="innerException">The original error.</param>
    public OpException(string opName, int node, string? idx, Exception innerException)
        : base(Format(opName, node, idx, innerException), innerException)
    {
        OpName = opName;
        Node = node;
        Idx = idx;
        Field = (innerException as EntryFieldException)?.Field;
    }

    /// <summary>The name of the op that failed.</summary>
    public string OpName { get; }

    /// <summary>The op's node index in the graph being run.</summary>
    public int Node { get; }

    /// <summary>The idx of the entry being processed, or <see langword="null"/> when the failure was not about one entry.</summary>
    public string? Idx { get; }

    /// <summary>The field involved, when the original error was an <see cref="EntryFieldException"/>.</summary>
    public string? Field { get; }

    private static string Format(string opName, int node, string? idx, Exception inner)
    {
        var where = idx is null ? string.Empty : $" on entry '{idx}'";
        return $"Op '{opName}' (node [{node}]) failed{where}: {inner.GetType().Name}: {inner.Message}";
    }
}
