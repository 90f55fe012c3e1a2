using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// Passes every entry on unchanged and prints the first n that arrive (all of them when n is negative), as whole
/// entries (PrintEntry) or as some fields (PrintField). Writes to the given writer, else <see cref="RunOptions.Output"/>,
/// else the console. Lines from one entry are written together.
/// </summary>
internal sealed class PrintOp : EntryOp
{
    private readonly string[] _keys;
    private readonly int _first;
    private readonly TextWriter? _writer;

    public PrintOp(string[] keys, int first, TextWriter? writer)
        : base(keys.Length == 0 ? "PrintEntry" : "PrintField")
    {
        _keys = keys;
        _first = first;
        _writer = writer;
    }

    private protected override string Describe() =>
        string.Join(", ", _keys.Append(_first < 0 ? "all" : $"first {_first}").Where(s => s.Length > 0));

    protected override Entry? Process(Entry entry) => entry;

    protected override Func<Entry, Entry?> Bind(OpContext context)
    {
        var writer = _writer ?? context.Run.Options.Output ?? Console.Out;
        var printed = 0L;
        return entry =>
        {
            if (_first < 0 || Interlocked.Increment(ref printed) <= _first)
            {
                var text = Format(entry);
                lock (writer)
                {
                    writer.WriteLine(text);
                }
            }

            return entry;
        };
    }

    private string Format(Entry entry)
    {
        if (_keys.Length == 0)
        {
            return entry.ToString();
        }

        var fields = _keys.Select(k => $"{k}: {(entry.Data.TryGetPropertyValue(k, out var v) ? Show(v) : "(missing)")}");
        return $"[{entry.Idx}] {string.Join(", ", fields)}";
    }

    // Strings print as their text, so a generated paragraph reads as written.
    private static string Show(System.Text.Json.Nodes.JsonNode? value) =>
        value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString() ?? "null";
}
