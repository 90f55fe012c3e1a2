namespace BatchFactory;

/// <summary>A typed answer of an entry was checked for the last time in this run: valid (at first try or after repairs) or invalid for good.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Node">The op's node index.</param>
/// <param name="OpName">The op's name.</param>
/// <param name="Idx">The entry's idx.</param>
/// <param name="Repairs">How many repairs were asked for before this outcome (0: the first answer).</param>
/// <param name="Errors">Empty when the answer is valid; otherwise what is wrong with it, each error naming its JSON path.</param>
public sealed record AnswerChecked(TimeSpan Elapsed, int Node, string OpName, string Idx, int Repairs, IReadOnlyList<string> Errors) : RunEvent(Elapsed)
{
    /// <summary>Whether the answer is valid.</summary>
    public bool Valid => Errors.Count == 0;
}
