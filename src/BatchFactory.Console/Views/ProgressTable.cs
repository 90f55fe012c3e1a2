using Spectre.Console;

namespace BatchFactory.Progress;

/// <summary>Builds the live view's table: one row per op, call columns filled for ops that call a model.</summary>
internal static class ProgressTable
{
    private static readonly string[] s_headers = ["op", "in", "out", "calls", "cached", "failed", "tokens in", "tokens out", "cost", "calls/s", "ETA"];

    public static Table Build(RunProgress progress, IReadOnlyList<OpInfo> ops)
    {
        var t = progress.Totals;
        var table = new Table()
            .Border(TableBorder.Simple)
            .Title(Markup.Escape($"{ProgressFormat.Time(progress.Elapsed)}  {ProgressFormat.Read(progress, ops)} read  {ProgressFormat.Count(t.Calls)} calls  {ProgressFormat.Cost(t.Cost)}  ETA {ProgressFormat.Time(progress.IsFinal ? TimeSpan.Zero : progress.Eta)}"));
        foreach (var header in s_headers)
        {
            table.AddColumn(new TableColumn(header) { Alignment = header == "op" ? Justify.Left : Justify.Right, NoWrap = true });
        }

        foreach (var op in progress.Ops)
        {
            table.AddRow(Row(op));
        }

        return table;
    }

    private static string[] Row(OpProgress op)
    {
        var s = op.Stats;
        var name = Markup.Escape($"[{s.Node}] {s.Name}");
        string inOut = ProgressFormat.Count(s.In), outCount = ProgressFormat.Count(s.Out);
        var eta = ProgressFormat.Time(op.Eta);
        if (s.Broker is not { } b)
        {
            return [name, inOut, outCount, "", "", "", "", "", "", "", eta];
        }

        var failed = b.Failed > 0 ? $"[red]{ProgressFormat.Count(b.Failed)}[/]" : "0";
        return
        [
            name, inOut, outCount, ProgressFormat.Count(b.Calls), ProgressFormat.Count(b.Cached), failed,
            ProgressFormat.Count(b.InputTokens), ProgressFormat.Count(b.OutputTokens), Markup.Escape(ProgressFormat.Cost(b.Cost)),
            ProgressFormat.Rate(op.CallsPerSecond), eta,
        ];
    }
}
