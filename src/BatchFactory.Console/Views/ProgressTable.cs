using Spectre.Console;

namespace BatchFactory.Progress;

/// <summary>
/// Builds the live view's table: one row per op, call columns filled for ops that call a model, and once a provider has
/// pushed back, a caption saying how much (retries, 429s, time held back, models cooling down). A console narrower
/// than <see cref="WideFrom"/> columns gets fewer, combined columns (calls as made/cached/failed, no tokens or rate).
/// Limited to fewer op rows than the run has ops, it shows the busiest ops (in node order), a row saying how many are
/// not shown, and a totals row.
/// </summary>
internal static class ProgressTable
{
    /// <summary>The console width from which every column is shown.</summary>
    public const int WideFrom = 132;

    /// <summary>The rows a limited table adds to its op rows: the one saying how many ops are not shown, and the totals.</summary>
    public const int SummaryRows = 2;

    private static readonly Column[] s_wide =
    [
        new("in", o => ProgressFormat.Count(o.Stats.In), _ => ""),
        new("out", o => ProgressFormat.Count(o.Stats.Out), _ => ""),
        new("calls", o => Calls(o, b => ProgressFormat.Count(b.Calls)), p => ProgressFormat.Count(p.Totals.Calls)),
        new("cached", o => Calls(o, b => ProgressFormat.Count(b.Cached)), p => ProgressFormat.Count(p.Totals.Cached)),
        new("failed", o => Calls(o, b => Failed(b.Failed)), p => Failed(p.Totals.Failed)),
        new("retries", o => Calls(o, b => Retries(b.Retries)), p => Retries(p.Totals.Retries)),
        new("tokens in", o => Calls(o, b => ProgressFormat.Count(b.InputTokens)), p => ProgressFormat.Count(p.Totals.InputTokens)),
        new("tokens out", o => Calls(o, b => ProgressFormat.Count(b.OutputTokens)), p => ProgressFormat.Count(p.Totals.OutputTokens)),
        new("cost", o => Calls(o, b => Markup.Escape(ProgressFormat.Cost(b.Cost))), p => Markup.Escape(ProgressFormat.Cost(p.Totals.Cost))),
        new("calls/s", o => Calls(o, _ => ProgressFormat.Rate(o.CallsPerSecond)), p => ProgressFormat.Rate(p.Nodes.Sum(o => o.CallsPerSecond))),
        new("ETA", o => ProgressFormat.Time(o.Eta), p => ProgressFormat.Time(p.Eta)),
    ];

    private static readonly Column[] s_narrow =
    [
        s_wide[0],
        s_wide[1],
        new(
            "calls/cached/failed",
            o => Calls(o, b => $"{ProgressFormat.Count(b.Calls)}/{ProgressFormat.Count(b.Cached)}/{Failed(b.Failed)}"),
            p => $"{ProgressFormat.Count(p.Totals.Calls)}/{ProgressFormat.Count(p.Totals.Cached)}/{Failed(p.Totals.Failed)}"),
        s_wide[8],
        s_wide[10],
    ];

    /// <summary>The table for <paramref name="progress"/>.</summary>
    /// <param name="progress">The sample to show.</param>
    /// <param name="ops">The run's ops.</param>
    /// <param name="width">The console's width in columns.</param>
    /// <param name="maxOpRows">
    /// At most this many op rows; when the run has more ops, the busiest are shown, followed by a row saying how many
    /// are not and a totals row (<see cref="SummaryRows"/>). Default: every op.
    /// </param>
    public static Table Build(RunProgress progress, IReadOnlyList<OpInfo> ops, int width, int maxOpRows = int.MaxValue)
    {
        var t = progress.Totals;
        var columns = width >= WideFrom ? s_wide : s_narrow;
        var title = $"{ProgressFormat.Time(progress.Elapsed)}  {ProgressFormat.Read(progress, ops)} read  {ProgressFormat.Count(t.Calls)} calls  " +
            $"{ProgressFormat.Cost(t.Cost)}  ETA {ProgressFormat.Time(progress.IsFinal ? TimeSpan.Zero : progress.Eta)}";
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(title));
        var batches = ProgressFormat.Batches(progress, "");
        if (ProgressFormat.Throttling(progress, "") is { Length: > 0 } throttling)
        {
            table.Caption($"[yellow]{Markup.Escape(throttling)}[/]{(batches.Length > 0 ? "\n" + Markup.Escape(batches) : "")}");
        }
        else if (batches.Length > 0)
        {
            table.Caption(Markup.Escape(batches));
        }

        table.AddColumn(new TableColumn("op") { NoWrap = true });
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column.Header) { Alignment = Justify.Right, NoWrap = true });
        }

        var shown = progress.Nodes.Count <= maxOpRows ? progress.Nodes : Busiest(progress.Nodes, Math.Max(0, maxOpRows));
        foreach (var op in shown)
        {
            // Ops with typed answers say how they fared after their name: valid, repaired, invalid.
            var answers = op.Stats.Answers is { } a ? $" ({a})" : "";
            table.AddRow([Markup.Escape($"[{op.Stats.Node}] {op.Stats.Name}{answers}"), .. columns.Select(c => c.Cell(op))]);
        }

        if (shown.Count < progress.Nodes.Count)
        {
            var hidden = progress.Nodes.Count - shown.Count;
            table.AddRow([Markup.Escape($"… {hidden} more {(hidden == 1 ? "op" : "ops")} not shown"), .. columns.Select(_ => "")]);
            table.AddRow(["total", .. columns.Select(c => c.Total(progress))]);
        }

        return table;
    }

    /// <summary>The <paramref name="count"/> busiest ops, in node order: most entries inside the op, then the fastest, then the earliest.</summary>
    private static List<OpProgress> Busiest(IReadOnlyList<OpProgress> nodes, int count) =>
        [.. nodes.OrderByDescending(o => o.Stats.In - o.Stats.Out - o.Stats.Dropped)
            .ThenByDescending(o => o.CallsPerSecond + o.EntriesPerSecond)
            .ThenBy(o => o.Stats.Node)
            .Take(count)
            .OrderBy(o => o.Stats.Node)];

    private static string Calls(OpProgress op, Func<BrokerStats, string> cell) => op.Stats.Broker is { } b ? cell(b) : "";

    private static string Failed(long failed) => failed > 0 ? $"[red]{ProgressFormat.Count(failed)}[/]" : "0";

    private static string Retries(long retries) => retries > 0 ? $"[yellow]{ProgressFormat.Count(retries)}[/]" : "0";

    private sealed record Column(string Header, Func<OpProgress, string> Cell, Func<RunProgress, string> Total);
}
