namespace BatchFactory;

/// <summary>
/// A graph is wired wrongly: a port that does not exist or is already used, an op added twice, a cycle.
/// Raised while the graph is built or, for whole-graph checks, when a run is built, before any entry moves.
/// </summary>
public sealed class GraphException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public GraphException(string message)
        : base(message)
    {
    }
}
