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
}
