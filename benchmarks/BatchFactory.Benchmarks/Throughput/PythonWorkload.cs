using System.Globalization;
using System.Text.Json.Nodes;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Throughput;

/// <summary>
/// The workload the Python batchfactory 0.6.2 was timed on (see <c>/work/shared/FACTS.md</c>), written with our ops:
/// <c>FromList</c> of dictionaries <c>{keyword: "k{i}", text: 200 characters}</c> | <c>MapField</c> upper-casing
/// <c>text</c> in place | <c>Filter</c> keeping the entries whose <c>i</c> is even (parsed back from <c>keyword</c>;
/// the data carries no other number) | <c>SetField("tag", "x")</c>, then one of three endings.
/// </summary>
internal static class PythonWorkload
{
    public const string Keyword = "keyword";
    public const string Text = "text";
    public const string Tag = "tag";

    /// <summary>Characters in each entry's text.</summary>
    public const int TextLength = 200;

    private const string Filler =
        "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore " +
        "magna aliqua. ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo ";

    /// <summary>How the graph ends.</summary>
    public enum Ending
    {
        /// <summary><c>OutputEntries()</c>: every entry kept whole.</summary>
        OutputEntries,

        /// <summary><c>ToList("keyword", "text", "tag")</c>: the three fields kept per entry.</summary>
        ToList,

        /// <summary><c>Count()</c>: only the number of entries kept.</summary>
        Count,
    }

    /// <summary>
    /// Makes <paramref name="count"/> items, as a Python list of dicts: <c>keyword</c> is <c>"k{i}"</c>, <c>text</c> is
    /// <see cref="TextLength"/> lower-case characters starting with <c>"item {i}: "</c>, so every text is distinct.
    /// </summary>
    public static List<Dictionary<string, string>> MakeItems(int count)
    {
        var items = new List<Dictionary<string, string>>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(new Dictionary<string, string>(2) { [Keyword] = KeywordOf(i), [Text] = TextOf(i) });
        }

        return items;
    }

    /// <summary>Entries that pass the filter: the even <c>i</c> in <c>0 .. count-1</c>.</summary>
    public static int Expected(int count) => (count + 1) / 2;

    /// <summary>The filter: keep the entry whose keyword <c>"k{i}"</c> has an even <c>i</c>.</summary>
    public static bool Keep(string keyword) => int.Parse(keyword.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture) % 2 == 0;

    /// <summary>FromList | MapField(upper, "text") | Filter(even i, "keyword") | SetField("tag", "x") | the ending.</summary>
    public static Graph Build(IReadOnlyList<Dictionary<string, string>> items, Ending ending)
    {
        var g = FromList(items)
            | MapField((string t) => t.ToUpperInvariant(), Text)
            | Filter((string k) => Keep(k), Keyword)
            | SetField(Tag, "x");
        return ending switch
        {
            Ending.OutputEntries => g | OutputEntries(),
            Ending.ToList => g | ToList(Keyword, Text, Tag),
            _ => g | Count(),
        };
    }

    /// <summary>
    /// Runs the graph; the outcome's check (run after the timing) compares every collected entry, in order, with the
    /// input: entry <c>j</c> must be item <c>2j</c> with its text upper-cased and <c>tag = "x"</c>.
    /// </summary>
    public static async Task<Outcome> RunAsync(IReadOnlyList<Dictionary<string, string>> items, Ending ending)
    {
        var result = await Build(items, ending).RunAsync(new RunOptions());
        var count = checked((int)result.Count);
        return ending switch
        {
            Ending.OutputEntries => new Outcome(count, null, () => CheckContent(items, result.Entries.Select(e => e.Data).ToList())),
            Ending.ToList => new Outcome(count, null, () => CheckContent(items, result.Values().Select(v => v as JsonObject).ToList())),
            _ => new Outcome(count, null),
        };
    }

    private static string KeywordOf(int i) => string.Create(CultureInfo.InvariantCulture, $"k{i}");

    private static string TextOf(int i)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"item {i}: ");
        return string.Concat(head, Filler.AsSpan(0, TextLength - head.Length));
    }

    /// <summary>Null when <paramref name="collected"/> is exactly the expected output; otherwise what differs first.</summary>
    private static string? CheckContent(IReadOnlyList<Dictionary<string, string>> items, IReadOnlyList<JsonObject?> collected)
    {
        for (var j = 0; j < collected.Count; j++)
        {
            var i = 2 * j;
            var data = collected[j];
            var keyword = data?[Keyword]?.GetValue<string>();
            var text = data?[Text]?.GetValue<string>();
            var tag = data?[Tag]?.GetValue<string>();
            if (i >= items.Count || keyword != items[i][Keyword] || text != items[i][Text].ToUpperInvariant() || tag != "x" || data!.Count != 3)
            {
                return $"collected entry {j:N0} is {data?.ToJsonString() ?? "null"}; expected keyword k{i}, its text upper-cased and tag x, nothing else.";
            }
        }

        return null;
    }
}
