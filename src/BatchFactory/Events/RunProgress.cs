namespace BatchFactory;

/// <summary>
/// A sample of every op's counts, taken every <see cref="RunMonitor.SampleInterval"/> while the run goes and once more
/// when it ends (<see cref="IsFinal"/>), so the last sample's counts are the run's exact totals. Counts are totals so
/// far, not changes since the previous sample: a subscriber that misses a sample loses nothing.
/// </summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Nodes">Every op, by node index.</param>
/// <param name="IsFinal">Whether this is the sample taken after every op stopped.</param>
public sealed record RunProgress(TimeSpan Elapsed, IReadOnlyList<OpProgress> Nodes, bool IsFinal) : RunEvent(Elapsed)
{
    /// <summary>Calls, tokens and cost so far, over every op.</summary>
    public CallTotals Totals => CallTotals.Of(Nodes.Select(o => o.Stats));

    /// <summary>
    /// The models cooling down at this sample, after a 429 that asked the client to wait: <c>model@provider</c> to the time
    /// left before calls to it go out again. Empty when no model is cooling down.
    /// </summary>
    public IReadOnlyDictionary<string, TimeSpan> CoolDowns =>
        Nodes.Select(o => o.Stats.Broker).OfType<BrokerStats>().Where(b => b.CoolDown is not null)
            .GroupBy(b => b.Model, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(b => b.CoolDown!.Value), StringComparer.Ordinal);

    /// <summary>
    /// The run's provider batches at this sample (each with its status and requests done), in the order they were
    /// submitted; empty when the run sent no batch. <see cref="BatchChanged"/> tells when one changes.
    /// </summary>
    public IReadOnlyList<BatchSummary> Batches { get; init; } = [];

    /// <summary>The longest estimated time left of any op; <see langword="null"/> when no op has an estimate.</summary>
    public TimeSpan? Eta => Nodes.Max(o => o.Eta);
}
