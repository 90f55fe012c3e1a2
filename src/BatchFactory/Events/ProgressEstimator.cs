namespace BatchFactory.Events;

/// <summary>
/// Turns a run's successive counts into rates and times left. Rates are taken over the last <see cref="Window"/> of
/// samples. An op's expected total is its source's size for a source that knows it, otherwise what the ops wired into it
/// are expected to pass on (their expected input scaled by their out-to-in ratio so far): an estimate that firms up as
/// the run goes, and that is unknown downstream of a source of unknown size. It is unknown downstream of an op with
/// several out-ports too (If, Replicate, loops, spawns, checkpoints): counts are kept per op, not per port, so how its
/// output splits between the ports, or how often an entry goes round a loop, cannot be told.
/// The time left of an op that calls a model follows its work, not its intake: the entries it is expected to take in
/// less the requests it has had answered (made, served from the ledger, or failed for good), at the rate it has had
/// them answered; a model op takes entries in far faster than it answers them, so its intake says little.
/// </summary>
internal sealed class ProgressEstimator(IReadOnlyList<OpInfo> ops)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Queue<(TimeSpan At, long[] Progressed, long[] Calls, long[] Answered)> _history = new();

    public IReadOnlyList<OpProgress> Estimate(IReadOnlyList<OpStats> stats, TimeSpan now)
    {
        var progressed = stats.Select((s, node) => IsSource(node) ? s.Out : s.In).ToArray();
        var calls = stats.Select(s => s.Broker?.Calls ?? 0).ToArray();
        var answered = stats.Select(s => s.Broker is { } b ? b.Calls + b.Cached + b.Failed : 0).ToArray();
        _history.Enqueue((now, progressed, calls, answered));
        while (_history.Count > 2 && _history.Peek().At < now - Window)
        {
            _history.Dequeue();
        }

        var (then, progressedThen, callsThen, answeredThen) = _history.Peek();
        var span = (now - then).TotalSeconds;
        var expectedOut = new long?[stats.Count];
        var done = new bool[stats.Count];
        var result = new OpProgress[stats.Count];
        for (var node = 0; node < stats.Count; node++)
        {
            var rate = span > 0 ? (progressed[node] - progressedThen[node]) / span : 0;
            var callRate = span > 0 ? (calls[node] - callsThen[node]) / span : 0;
            var expected = Expected(node, stats, expectedOut, done);
            var eta = ops[node].CallsModel
                ? TimeLeft(expected is { } e ? Math.Max(e, stats[node].In) : null, answered[node], span > 0 ? (answered[node] - answeredThen[node]) / span : 0)
                : TimeLeft(expected, progressed[node], rate);
            result[node] = new OpProgress(stats[node], rate, callRate, expected, eta);
        }

        return result;
    }

    private static TimeSpan? TimeLeft(long? expected, long progressed, double rate)
    {
        if (expected is not { } total)
        {
            return null;
        }

        var left = total - progressed;
        return left <= 0 ? TimeSpan.Zero : rate > 0 ? TimeSpan.FromSeconds(Math.Min(left / rate, TimeSpan.MaxValue.TotalSeconds / 2)) : null;
    }

    private bool IsSource(int node) => ops[node].Inputs.Count == 0;

    /// <summary>The entries <paramref name="node"/> is expected to take in (a source: to emit).</summary>
    private long? Expected(int node, IReadOnlyList<OpStats> stats, long?[] expectedOut, bool[] done)
    {
        if (ops[node].Inputs.Count == 0)
        {
            return ops[node].KnownCount;
        }

        long total = 0;
        foreach (var input in ops[node].Inputs)
        {
            if (ExpectedOut(input, stats, expectedOut, done) is not { } part)
            {
                return null;
            }

            total += part;
        }

        return total;
    }

    private long? ExpectedOut(int node, IReadOnlyList<OpStats> stats, long?[] expectedOut, bool[] done)
    {
        if (!done[node])
        {
            done[node] = true;
            if (ops[node].OutputPorts > 1)
            {
                return expectedOut[node] = null;
            }

            var expected = Expected(node, stats, expectedOut, done);
            var s = stats[node];
            expectedOut[node] = ops[node].Inputs.Count == 0 || s.In == 0 || expected is null
                ? expected
                : (long)Math.Round(expected.Value * (double)s.Out / s.In);
        }

        return expectedOut[node];
    }
}
