using Spectre.Console;

namespace BatchFactory.Progress;

/// <summary>
/// Builds the live view's table: one row per op, call columns filled for ops that call a model. A console narrower
/// than <see cref="WideFrom"/> columns gets fewer, combined columns (calls as made/cached/failed, no tokens or rate).
/// </summary>
internal static class ProgressTable
{
    /// <summary>The console width from which every column is shown.</summary>
    public const int WideFrom = 116;

    private static readonly Column[] s_wide =
    [
        new("in", o => ProgressFormat.Count(o.Stats.In)),
        new("out", o => ProgressFormat.Count(o.Stats.Out)),
        new("calls", o => Calls(o, b => ProgressFormat.Count(b.Calls))),
        new("cached", o => Calls(o, b => ProgressFormat.Count(b.Cached))),
        new("failed", o => Calls(o, b => Failed(b.Failed))),
        new("tokens in", o => Calls(o, b => ProgressFormat.Count(b.InputTokens))),
        new("tokens out", o => Calls(o, b => ProgressFormat.Count(b.OutputTokens))),
        new("cost", o => Calls(o, b => Markup.Escape(ProgressFormat.Cost(b.Cost)))),
        new("calls/s", o => Calls(o, _ => ProgressFormat.Rate(o.CallsPerSecond))),
        new("ETA", o => ProgressFormat.Time(o.Eta)),
    ];

    private static readonly Column[] s_narrow =
    [
        s_wide[0],
        s_wide[1],
        new("calls/cached/failed", o => Calls(o, b => $"{ProgressFormat.Count(b.Calls)}/{ProgressFormat.Count(b.Cached)}/{Failed(b.Failed)}")),
        s_wide[7],
        s_wide[9],
    ];

    public static Table Build(RunProgress progress, IReadOnlyList<OpInfo> ops, int width)
    {
        var t = progress.Totals;
        var columns = width >= WideFrom ? s_wide : s_narrow;
        var title = $"{ProgressFormat.Time(progress.Elapsed)}  {ProgressFormat.Read(progress, ops)} read  {ProgressFormat.Count(t.Calls)} calls  " +
            $"{ProgressFormat.Cost(t.Cost)}  ETA {ProgressFormat.Time(progress.IsFinal ? TimeSpan.Zero : progress.Eta)}";
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(title));
        table.AddColumn(new TableColumn("op") { NoWrap = true });
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column.Header) { Alignment = Justify.Right, NoWrap = true });
        }

        foreach (var op in progress.Nodes)
        {
            table.AddRow([Markup.Escape($"[{op.Stats.Node}] {op.Stats.Name}"), .. columns.Select(c => c.Cell(op))]);
        }

        return table;
    }

    private static string Calls(OpProgress op, Func<BrokerStats, string> cell) => op.Stats.Broker is { } b ? cell(b) : "";

    private static string Failed(long failed) => failed > 0 ? $"[red]{ProgressFormat.Count(failed)}[/]" : "0";

    private sealed record Column(string Header, Func<OpProgress, string> Cell);
}
