using System.Globalization;
using System.Text.RegularExpressions;

namespace BatchFactory.Brokers;

/// <summary>
/// Model ids ending in a date, <c>-YYYYMMDD</c> (Anthropic's snapshots, e.g. <c>claude-sonnet-4-5-20250929</c>), and
/// the aliases they answer to: what comes before the date (<c>claude-sonnet-4-5</c>), that with <c>-latest</c>, and,
/// for a name ending in a major version only (<c>claude-opus-4-20250514</c>), that with <c>-0</c> (<c>claude-opus-4-0</c>).
/// </summary>
internal static partial class DatedModelIds
{
    /// <summary>The aliases <paramref name="id"/> answers to, the plain one first; none when it does not end in a valid date.</summary>
    public static IReadOnlyList<string> AliasesOf(string id)
    {
        // Prices are looked up on every call: most ids are told apart without the expression.
        if (id.Length < 10 || id[^9] != '-' || !char.IsAsciiDigit(id[^1])
            || Dated().Match(id) is not { Success: true } dated
            || !DateOnly.TryParseExact(dated.Groups["date"].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return [];
        }

        var alias = dated.Groups["alias"].Value;
        return MajorOnly().IsMatch(alias) ? [alias, alias + "-latest", alias + "-0"] : [alias, alias + "-latest"];
    }

    [GeneratedRegex(@"^(?<alias>.+)-(?<date>\d{8})$", RegexOptions.CultureInvariant)]
    private static partial Regex Dated();

    // An alias ending in a major version only (claude-opus-4), which Anthropic also writes with ".0" as "-0".
    [GeneratedRegex(@"[a-z]-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex MajorOnly();
}
