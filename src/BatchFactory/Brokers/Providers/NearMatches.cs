namespace BatchFactory.Brokers;

/// <summary>The names closest to a misspelt one, for "did you mean …" in error messages.</summary>
internal static class NearMatches
{
    /// <summary>Up to <paramref name="count"/> of <paramref name="names"/> within a few edits of <paramref name="name"/> (ignoring case), closest first.</summary>
    public static IReadOnlyList<string> Of(string name, IEnumerable<string> names, int count = 3)
    {
        var bound = Math.Max(2, name.Length / 3);
        return [.. names
            .Select(candidate => (candidate, distance: Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant())))
            .Where(c => c.distance <= bound || c.candidate.Contains(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.distance)
            .ThenBy(c => c.candidate, StringComparer.Ordinal)
            .Take(count)
            .Select(c => c.candidate)];
    }

    // Levenshtein distance with two rows.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
