using System.Text.Json.Nodes;

namespace BatchFactory;

/// <summary>
/// The result of a run: what each output op collected, per-op counts, calls, tokens, cost, failures and the wall time
/// (<see cref="Summary"/> has them as one object, and prints them with <see cref="RunSummary.ToString"/>).
/// </summary>
public sealed partial class RunResult
{
    private readonly RunSummary _summary;
    private readonly CallTotals _totals;

    internal RunResult(IReadOnlyList<RunOutput> outputs, RunSummary summary)
    {
        Outputs = outputs;
        _summary = summary;
        _totals = summary.Totals;
    }

    /// <summary>The outputs of every <c>ToList</c>, <c>OutputEntries</c> and <c>Count</c> op, by node index.</summary>
    public IReadOnlyList<RunOutput> Outputs { get; }

    /// <summary>Per-op counts, by node index.</summary>
    public IReadOnlyList<OpStats> Nodes => _summary.Nodes;

    /// <summary>How long the run took.</summary>
    public TimeSpan Elapsed => _summary.Elapsed;

    /// <summary>The output of the graph's only output op.</summary>
    /// <exception cref="InvalidOperationException">The graph has no output op, or several (then use <see cref="OutputOf(string)"/>).</exception>
    public RunOutput Output => Outputs.Count switch
    {
        1 => Outputs[0],
        0 => throw new InvalidOperationException("The graph has no output op; end it with ToList(...), OutputEntries() or Count() to collect results."),
        _ => throw new InvalidOperationException(
            $"The graph has {Outputs.Count} output ops ({string.Join(", ", Outputs.Select(o => $"'{o.OpName}'"))}); pick one with OutputOf(name). Name ops with .Named(...)."),
    };

    /// <summary>The entries collected by the only output op; see <see cref="RunOutput.Entries"/>.</summary>
    public IReadOnlyList<Entry> Entries => Output.Entries;

    /// <summary>The values collected by the only output op; see <see cref="RunOutput.Values()"/>.</summary>
    /// <returns>One node per entry, in output order.</returns>
    public IReadOnlyList<JsonNode?> Values() => Output.Values();

    /// <summary>The values collected by the only output op, converted; see <see cref="RunOutput.Values{T}()"/>.</summary>
    /// <typeparam name="T">The type to convert each value to.</typeparam>
    /// <returns>One value per entry, in output order.</returns>
    public IReadOnlyList<T> Values<T>() => Output.Values<T>();

    /// <summary>The number of entries that reached the only output op: what <c>Count()</c> counted, or how many entries <c>ToList</c> or <c>OutputEntries</c> collected.</summary>
    /// <exception cref="InvalidOperationException">The graph has no output op, or several (then use <see cref="CountOf(string)"/>).</exception>
    public long Count => Output.Count;

    /// <summary>The number of entries that reached the output op named <paramref name="opName"/>; see <see cref="Count"/>.</summary>
    /// <param name="opName">The op's <see cref="Op.Name"/>, e.g. set with <c>Count().Named("kept")</c>.</param>
    /// <returns>The number of entries.</returns>
    /// <exception cref="KeyNotFoundException">No output op has that name, or several do.</exception>
    public long CountOf(string opName) => OutputOf(opName).Count;

    /// <summary>The output of the output op named <paramref name="opName"/>.</summary>
    /// <param name="opName">The op's <see cref="Op.Name"/>.</param>
    /// <returns>Its output.</returns>
    /// <exception cref="KeyNotFoundException">No output op has that name, or several do.</exception>
    public RunOutput OutputOf(string opName)
    {
        var matches = Outputs.Where(o => o.OpName == opName).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new KeyNotFoundException(matches.Count == 0
                ? $"No output op is named '{opName}'; the outputs are {string.Join(", ", Outputs.Select(o => $"'{o.OpName}'"))}."
                : $"{matches.Count} output ops are named '{opName}'; give them distinct names with .Named(...).");
    }
}
