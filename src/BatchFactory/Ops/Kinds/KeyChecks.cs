namespace BatchFactory.Operators;

/// <summary>Checks on the field names an op is made with.</summary>
internal static class KeyChecks
{
    /// <summary>Refuses a list of field names that names one field twice.</summary>
    /// <exception cref="ArgumentException">A name repeats; the message names the op and the field.</exception>
    public static void Distinct(string opName, IReadOnlyList<string> keys, string paramName)
    {
        var repeated = keys.GroupBy(k => k, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new ArgumentException($"{opName}: field '{repeated.Key}' is listed twice in {paramName}; list each field once.", paramName);
        }
    }

    /// <summary>Checks two parallel lists of field names: the same non-zero length, no empty names, no repeats within each.</summary>
    /// <exception cref="ArgumentException">The lists do not pair up; the message names the op.</exception>
    public static void Pairs(string opName, string[] from, string[] to, string fromName, string toName)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Length == 0 || from.Length != to.Length || from.Concat(to).Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException($"{opName}: give one field in {toName} per field in {fromName} ({from.Length} and {to.Length}), none empty.");
        }

        Distinct(opName, from, fromName);
        Distinct(opName, to, toName);
    }
}
