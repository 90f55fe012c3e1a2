namespace BatchFactory;

/// <summary>How the typed answers of an op (<c>AskLLM&lt;T&gt;</c>, <c>ExtractJson&lt;T&gt;</c>) fared during a run, counted per entry.</summary>
/// <param name="ValidFirstTry">Entries whose first answer was valid.</param>
/// <param name="RepairedByAttempt">Entries whose answer was valid only after repairs: element 0 counts those valid after the first repair, element 1 after the second, and so on.</param>
/// <param name="Invalid">Entries whose answer was still invalid after the last repair (kept in the dead-letter file <c>failed/&lt;op&gt;.jsonl</c> of the project).</param>
public sealed record AnswerStats(long ValidFirstTry, IReadOnlyList<long> RepairedByAttempt, long Invalid)
{
    /// <summary>Entries whose answer was valid after one or more repairs: the sum of <see cref="RepairedByAttempt"/>.</summary>
    public long Repaired => RepairedByAttempt.Sum();

    /// <summary>A line such as <c>valid 97, repaired 2 (1st 1, 2nd 1), invalid 1</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString()
    {
        var repaired = Repaired == 0 ? "" : " (" + string.Join(", ", RepairedByAttempt.Select((n, i) => $"{Ordinal(i + 1)} {n}").Where((_, i) => RepairedByAttempt[i] > 0)) + ")";
        return $"valid {ValidFirstTry}, repaired {Repaired}{repaired}, invalid {Invalid}";
    }

    /// <summary>Whether <paramref name="other"/> has the same counts.</summary>
    /// <param name="other">The stats to compare with.</param>
    /// <returns>Whether every count is the same.</returns>
    public bool Equals(AnswerStats? other) =>
        other is not null && ValidFirstTry == other.ValidFirstTry && Invalid == other.Invalid && RepairedByAttempt.SequenceEqual(other.RepairedByAttempt);

    /// <summary>A hash of the counts.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode() => HashCode.Combine(ValidFirstTry, Repaired, Invalid);

    private static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{n}th" };
}
