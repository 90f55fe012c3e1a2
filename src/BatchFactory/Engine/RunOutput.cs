using System.Text.Json.Nodes;

namespace BatchFactory;

/// <summary>
/// What one output op (<c>ToList</c> or <c>OutputEntries</c>) collected in a run, in stream order:
/// source order, or the order set by the last <c>Sort</c>/<c>Shuffle</c>, never arrival order.
/// </summary>
public sealed class RunOutput
{
    private readonly IReadOnlyList<Entry>? _entries;
    private readonly IReadOnlyList<JsonNode?> _values;

    internal RunOutput(int node, string opName, IReadOnlyList<string> keys, IReadOnlyList<string> idxs, IReadOnlyList<JsonNode?> values, IReadOnlyList<Entry>? entries)
    {
        Node = node;
        OpName = opName;
        Keys = keys;
        Idxs = idxs;
        _values = values;
        _entries = entries;
    }

    /// <summary>The node index of the op that produced this output.</summary>
    public int Node { get; }

    /// <summary>The name of the op that produced this output.</summary>
    public string OpName { get; }

    /// <summary>The fields <c>ToList</c> collected; empty for <c>OutputEntries</c>.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The idx of each collected entry, in output order.</summary>
    public IReadOnlyList<string> Idxs { get; }

    /// <summary>How many entries were collected.</summary>
    public int Count => Idxs.Count;

    /// <summary>The collected entries (from <c>OutputEntries</c>).</summary>
    /// <exception cref="InvalidOperationException">This output came from <c>ToList</c>, which keeps only field values.</exception>
    public IReadOnlyList<Entry> Entries => _entries ??
        throw new InvalidOperationException($"'{OpName}' keeps only the values of {string.Join(", ", Keys)}; use OutputEntries() to keep whole entries.");

    /// <summary>
    /// The collected values as JSON: for <c>ToList</c> with one key, that field's value per entry; with several keys,
    /// an object of those fields per entry; for <c>OutputEntries</c>, each entry's data.
    /// </summary>
    /// <returns>One node per entry, in output order.</returns>
    public IReadOnlyList<JsonNode?> Values() => _values;

    /// <summary>The collected values converted to <typeparamref name="T"/> (see <see cref="Values()"/> for what a value is).</summary>
    /// <typeparam name="T">A scalar for one key; a record or class with matching properties for several keys.</typeparam>
    /// <returns>One value per entry, in output order.</returns>
    /// <exception cref="InvalidCastException">A value is not a <typeparamref name="T"/>; the message names the entry idx.</exception>
    public IReadOnlyList<T> Values<T>()
    {
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
}
