using System.Globalization;

namespace BatchFactory.Progress;

/// <summary>How the console views write numbers, money, rates and times: invariant culture, compact.</summary>
internal static class ProgressFormat
{
    private static readonly CultureInfo s_culture = CultureInfo.InvariantCulture;

    public static string Count(long n) => n.ToString("N0", s_culture);

    public static string Rate(double perSecond) => perSecond.ToString(perSecond >= 100 ? "N0" : "0.0", s_culture);

    /// <summary>US dollars with up to four decimals, or <c>?</c> when the model has no price.</summary>
    public static string Cost(decimal? dollars) => dollars is { } d ? "$" + d.ToString("0.####", s_culture) : "?";

    /// <summary><c>hh:mm:ss</c> (days counted in hours), or <c>-</c> when unknown.</summary>
    public static string Time(TimeSpan? time) => time is { } t
        ? string.Create(s_culture, $"{(long)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}")
        : "-";

    /// <summary>What the sources have emitted, over what they will emit when every source knows its size: <c>1,200/5,000</c>.</summary>
    public static string Read(RunProgress progress, IReadOnlyList<OpInfo> ops)
    {
        var sources = ops.Where(o => o.Inputs.Count == 0 && o.Node < progress.Nodes.Count).ToList();
        var read = Count(sources.Sum(o => progress.Nodes[o.Node].Stats.Out));
        return sources.Count > 0 && sources.All(o => o.KnownCount is not null) ? $"{read}/{Count(sources.Sum(o => o.KnownCount!.Value))}" : read;
    }

    /// <summary>
    /// How much the providers pushed back so far, after <paramref name="separator"/>: <c>retries 12 (429: 8), held back
    /// 00:00:32, cooling down: gpt-4o-mini@openai 00:00:04</c>; empty while nothing was retried, refused or held back.
    /// </summary>
    public static string Throttling(RunProgress progress, string separator)
    {
        var t = progress.Totals;
        IReadOnlyDictionary<string, TimeSpan> coolDowns = progress.IsFinal ? new Dictionary<string, TimeSpan>() : progress.CoolDowns;
        if (t.Retries == 0 && t.RateLimited == 0 && t.Waited == TimeSpan.Zero && coolDowns.Count == 0)
        {
            return "";
        }

        var text = $"{separator}retries {Count(t.Retries)} (429: {Count(t.RateLimited)}), held back {Time(t.Waited)}";
        return coolDowns.Count == 0
            ? text
            : $"{text}, cooling down: {string.Join(", ", coolDowns.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {Time(c.Value)}"))}";
    }

    /// <summary>
    /// The run's provider batches by status, after <paramref name="separator"/>, with their requests done of total:
    /// <c>batches: 1 in_progress 120/500, 2 completed 1,000/1,000</c>; empty when the run sent no batch.
    /// </summary>
    public static string Batches(RunProgress progress, string separator) =>
        progress.Batches.Count == 0
            ? ""
            : separator + "batches: " + string.Join(", ", progress.Batches
                .GroupBy(b => b.Status, StringComparer.Ordinal)
                .Select(g => $"{Count(g.Count())} {g.Key} {Count(g.Sum(b => (long)b.Completed + b.Failed))}/{Count(g.Sum(b => (long)b.Requests))}"));

    /// <summary>How a run ended, in a sentence.</summary>
    public static string Ended(RunEnded ended) => ended.Summary.Status switch
    {
        RunStatus.Completed => string.Create(s_culture, $"Run finished in {ended.Elapsed.TotalSeconds:F2} s."),
        RunStatus.CompletedWithFailures => string.Create(
            s_culture,
            $"Run finished with {ended.Summary.Failures.Count + ended.Summary.FailuresNotListed:N0} failures in {ended.Elapsed.TotalSeconds:F2} s; the summary lists them."),
        RunStatus.Cancelled => string.Create(s_culture, $"Run cancelled after {ended.Elapsed.TotalSeconds:F2} s."),
        RunStatus.ProviderUnavailable => string.Create(s_culture, $"Run stopped after {ended.Elapsed.TotalSeconds:F2} s: a model's provider is unavailable: {ended.Summary.Error}"),
        _ => string.Create(s_culture, $"Run failed after {ended.Elapsed.TotalSeconds:F2} s: {ended.Summary.Error}"),
    };

    /// <summary>Whether the run ended cleanly (every entry through, nothing failed), for the colour of the last line.</summary>
    public static bool Clean(RunEnded ended) => ended.Summary.Status == RunStatus.Completed;
}
