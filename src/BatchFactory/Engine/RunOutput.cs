using System.Text.Json.Nodes;

namespace BatchFactory;

/// <summary>
/// What one output op (<c>ToList</c>, <c>OutputEntries</c> or <c>Count</c>) collected in a run, in stream order:
/// source order, or the order set by the last <c>Sort</c>/<c>Shuffle</c>, never arrival order. A <c>Count</c> keeps
/// only <see cref="Count"/>.
/// </summary>
public sealed class RunOutput
{
    private readonly IReadOnlyList<Entry>? _entries;
    private readonly IReadOnlyList<JsonNode?> _values;
    private readonly IReadOnlyList<string> _idxs;
    private readonly long? _counted;

    internal RunOutput(int node, string opName, IReadOnlyList<string> keys, IReadOnlyList<string> idxs, IReadOnlyList<JsonNode?> values, IReadOnlyList<Entry>? entries)
    {
        Node = node;
        OpName = opName;
        Keys = keys;
        _idxs = idxs;
        _values = values;
        _entries = entries;
    }

    private RunOutput(int node, string opName, long count)
        : this(node, opName, [], [], [], null)
    {
        _counted = count;
    }

    /// <summary>The node index of the op that produced this output.</summary>
    public int Node { get; }

    /// <summary>The name of the op that produced this output.</summary>
    public string OpName { get; }

    /// <summary>The fields <c>ToList</c> collected; empty for <c>OutputEntries</c> and <c>Count</c>.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The idx of each collected entry, in output order.</summary>
    /// <exception cref="InvalidOperationException">This output came from <c>Count</c>, which keeps only the number.</exception>
    public IReadOnlyList<string> Idxs => _counted is null ? _idxs : throw CountsOnly();

    /// <summary>How many entries reached the op: those collected, or those counted by <c>Count</c>.</summary>
    public long Count => _counted ?? _idxs.Count;

    /// <summary>The collected entries (from <c>OutputEntries</c>).</summary>
    /// <exception cref="InvalidOperationException">This output came from <c>ToList</c>, which keeps only field values, or from <c>Count</c>.</exception>
    public IReadOnlyList<Entry> Entries => _counted is not null ? throw CountsOnly() : _entries ??
        throw new InvalidOperationException($"'{OpName}' keeps only the values of {string.Join(", ", Keys)}; use OutputEntries() to keep whole entries.");

    /// <summary>
    /// The collected values as JSON: for <c>ToList</c> with one key, that field's value per entry; with several keys,
    /// an object of those fields per entry; for <c>OutputEntries</c>, each entry's data.
    /// </summary>
    /// <returns>One node per entry, in output order.</returns>
    /// <exception cref="InvalidOperationException">This output came from <c>Count</c>, which keeps only the number.</exception>
    public IReadOnlyList<JsonNode?> Values() => _counted is null ? _values : throw CountsOnly();

    /// <summary>The collected values converted to <typeparamref name="T"/> (see <see cref="Values()"/> for what a value is).</summary>
    /// <typeparam name="T">A scalar for one key; a record or class with matching properties for several keys.</typeparam>
    /// <returns>One value per entry, in output order.</returns>
    /// <exception cref="InvalidCastException">A value is not a <typeparamref name="T"/>; the message names the entry idx.</exception>
    /// <exception cref="InvalidOperationException">This output came from <c>Count</c>, which keeps only the number.</exception>
    public IReadOnlyList<T> Values<T>()
    {
        if (_counted is not null)
        {
            throw CountsOnly();
        }

        var result = new T[_values.Count];
        for (var i = 0; i < result.Length; i++)
        {
            try
            {
                result[i] = JsonFieldCodec.FromNode<T>(_values[i]);
            }
            catch (InvalidCastException ex)
            {
                throw new InvalidCastException($"Output '{OpName}': the value of entry '{Idxs[i]}' cannot be read as {JsonFieldCodec.Describe(typeof(T))}: {ex.Message}.", ex);
            }
        }

        return result;
    }

    internal static RunOutput Counted(int node, string opName, long count) => new(node, opName, count);

    private InvalidOperationException CountsOnly() =>
        new($"'{OpName}' is a Count() and keeps only the number of entries ({_counted}); read it with Count, or end the graph with ToList(...) or OutputEntries() to keep values.");
}
