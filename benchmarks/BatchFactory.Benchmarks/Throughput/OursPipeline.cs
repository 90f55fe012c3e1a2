using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Throughput;

/// <summary>The benchmark pipeline built from BatchFactory ops, run with default <see cref="RunOptions"/>.</summary>
internal static class OursPipeline
{
    /// <summary>
    /// FromList(rows) | MapField(N -> double) | Filter(double % 3 != 0) | SetField(tag = "x") | MapField(Name -> len),
    /// then ToList("len") when <paramref name="collect"/>; otherwise Count(), which keeps only the number of entries.
    /// </summary>
    public static Graph Build(IReadOnlyList<Row> rows, bool collect)
    {
        var g = FromList(rows)
            | MapField((int n) => n * 2, Data.N, Data.Double)
            | Filter((int d) => Data.Keep(d), Data.Double)
            | SetField(Data.Tag, "x")
            | MapField((string name) => name.Length, Data.Name, Data.Len);
        return collect ? g | ToList(Data.Len) : g | Count();
    }

    /// <summary>
    /// Builds and runs the graph (building takes microseconds); returns the number of entries that reached the end.
    /// With <paramref name="watched"/>, the run has a <see cref="RunMonitor"/> with one subscriber (<see cref="CountingSubscriber"/>).
    /// </summary>
    public static async Task<Outcome> RunAsync(IReadOnlyList<Row> rows, bool collect, bool watched = false)
    {
        var graph = Build(rows, collect);
        using var monitor = watched ? new RunMonitor() : null;
        var subscriber = new CountingSubscriber();
        using var subscription = monitor?.Subscribe(subscriber);
        var result = await graph.RunAsync(new RunOptions { Monitor = monitor });
        if (watched && subscriber.LastIn != result.Nodes[^1].In)
        {
            throw new InvalidOperationException($"The subscriber's final sample counted {subscriber.LastIn} entries into the last op; the run counted {result.Nodes[^1].In}.");
        }

        return collect
            ? new Outcome(checked((int)result.Count), () => result.Output.Values<int>().Sum(v => (long)v))
            : new Outcome(checked((int)result.Count), null);
    }
}

/// <summary>What a run produced: how many entries reached the end and, when they were kept, how to checksum them (outside the timing).</summary>
/// <param name="Count">Entries that reached the end of the pipeline.</param>
/// <param name="LenSum">Sums the collected "len" values; <see langword="null"/> when the run kept nothing (or has no "len").</param>
/// <param name="Check">Checks what the run collected: <see langword="null"/> when right, else what is wrong; <see langword="null"/> when there is nothing to check.</param>
internal sealed record Outcome(int Count, Func<long>? LenSum, Func<string?>? Check = null);
