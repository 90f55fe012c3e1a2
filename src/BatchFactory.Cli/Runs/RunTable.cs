using System.Globalization;
using System.Text;

namespace BatchFactory.Cli;

/// <summary>Run summaries as text: one line per run, or two runs side by side per op with what changed.</summary>
internal static class RunTable
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>One row per run, oldest first: number, file, status, wall time, calls, served from the ledger, failed, cost.</summary>
    public static string List(IReadOnlyList<RunFile> runs)
    {
        var rows = new List<string[]> { new[] { "#", "run", "status", "time", "entries read", "calls", "cached", "failed", "tokens in", "tokens out", "cost" } };
        for (var i = 0; i < runs.Count; i++)
        {
            var (s, t) = (runs[i].Summary, runs[i].Summary.Totals);
            rows.Add([
                (i + 1).ToString(Culture), runs[i].Name, s.Status.ToString(), Seconds(s.Elapsed), Number(s.Nodes.Count > 0 ? s.Nodes[0].Out : 0),
                Number(t.Calls), Number(t.Cached), Number(t.Failed), Number(t.InputTokens), Number(t.OutputTokens), Cost(t.Cost),
            ]);
        }

        return Table(rows);
    }

    /// <summary><paramref name="before"/> and <paramref name="after"/> side by side per op (matched by node and name), then the totals and what changed.</summary>
    public static string Compare(RunFile before, RunFile after)
    {
        var text = new StringBuilder();
        text.Append(Culture, $"before: {before.Name} ({before.Summary.Status}, {Seconds(before.Summary.Elapsed)})").AppendLine();
        text.Append(Culture, $"after:  {after.Name} ({after.Summary.Status}, {Seconds(after.Summary.Elapsed)})").AppendLine();
        var rows = new List<string[]> { new[] { "op", "in", "out", "calls", "cached", "failed", "tokens in", "tokens out", "cost", "waited" } };
        var ops = before.Summary.Nodes.Select(o => (o.Node, o.Name)).Union(after.Summary.Nodes.Select(o => (o.Node, o.Name))).OrderBy(o => o.Node).ToList();
        foreach (var (node, name) in ops)
        {
            var (a, b) = (Find(before.Summary, node, name), Find(after.Summary, node, name));
            rows.Add([
                $"[{node}] {name}",
                Pair(a?.In, b?.In), Pair(a?.Out, b?.Out),
                Pair(a?.Broker?.Calls, b?.Broker?.Calls), Pair(a?.Broker?.Cached, b?.Broker?.Cached), Pair(a?.Broker?.Failed, b?.Broker?.Failed),
                Pair(a?.Broker?.InputTokens, b?.Broker?.InputTokens), Pair(a?.Broker?.OutputTokens, b?.Broker?.OutputTokens),
                Pair(a?.Broker?.Cost, b?.Broker?.Cost, Cost), Pair(a?.Broker?.Waited, b?.Broker?.Waited, Seconds),
            ]);
        }

        var (ta, tb) = (before.Summary.Totals, after.Summary.Totals);
        rows.Add(["total", "", "", Pair<long>(ta.Calls, tb.Calls), Pair<long>(ta.Cached, tb.Cached), Pair<long>(ta.Failed, tb.Failed), Pair<long>(ta.InputTokens, tb.InputTokens), Pair<long>(ta.OutputTokens, tb.OutputTokens), Pair<decimal>(ta.Cost, tb.Cost, Cost), Pair<TimeSpan>(ta.Waited, tb.Waited, Seconds)]);
        text.Append(Table(rows));
        var changes = Changes(before.Summary, after.Summary, ops);
        text.AppendLine(changes.Count == 0 ? "Nothing changed but the times." : "What changed:");
        foreach (var change in changes)
        {
            text.Append("  ").AppendLine(change);
        }

        return text.ToString();
    }

    private static List<string> Changes(RunSummary before, RunSummary after, List<(int Node, string Name)> ops)
    {
        var changes = new List<string>();
        if (before.Status != after.Status)
        {
            changes.Add($"status: {before.Status} → {after.Status}");
        }

        foreach (var (node, name) in ops)
        {
            var (a, b) = (Find(before, node, name), Find(after, node, name));
            var label = string.Create(Culture, $"[{node}] {name}");
            if (a is null || b is null)
            {
                changes.Add($"{label}: {(a is null ? "new in the later run" : "not in the later run")}");
                continue;
            }

            if (a.Description != b.Description)
            {
                changes.Add($"{label}: now {b.Description} (was {a.Description})");
            }

            if (a.Broker?.Model != b.Broker?.Model)
            {
                changes.Add($"{label}: model {a.Broker?.Model ?? "(none)"} → {b.Broker?.Model ?? "(none)"}");
            }

            if ((a.In, a.Out, a.Dropped) != (b.In, b.Out, b.Dropped))
            {
                changes.Add(string.Create(Culture, $"{label}: entries {a.In:N0} in / {a.Out:N0} out → {b.In:N0} in / {b.Out:N0} out"));
            }

            if (a.Broker is { } x && b.Broker is { } y && (x.Calls, x.Cached, x.Failed) != (y.Calls, y.Cached, y.Failed))
            {
                changes.Add(string.Create(Culture, $"{label}: {x.Calls:N0} calls, {x.Cached:N0} from the ledger, {x.Failed:N0} failed → {y.Calls:N0}, {y.Cached:N0}, {y.Failed:N0}{(y.Calls > 0 && x.Calls + x.Cached > 0 ? " (ledger explain tells why an entry missed)" : "")}"));
            }

            if (a.Broker is { } p && b.Broker is { } q && (p.InputTokens, p.OutputTokens) != (q.InputTokens, q.OutputTokens))
            {
                changes.Add(string.Create(Culture, $"{label}: tokens {p.InputTokens:N0} in / {p.OutputTokens:N0} out → {q.InputTokens:N0} in / {q.OutputTokens:N0} out"));
            }
        }

        var (ta, tb) = (before.Totals, after.Totals);
        if (ta.Cost != tb.Cost)
        {
            changes.Add($"cost: {Cost(ta.Cost)} → {Cost(tb.Cost)}");
        }

        return changes;
    }

    private static OpStats? Find(RunSummary summary, int node, string name) => summary.Nodes.FirstOrDefault(o => o.Node == node && o.Name == name);

    private static string Pair<T>(T? a, T? b, Func<T, string>? format = null)
        where T : struct
    {
        format ??= v => string.Format(Culture, "{0:N0}", v);
        var (x, y) = (a is { } va ? format(va) : "-", b is { } vb ? format(vb) : "-");
        return x == y ? x : $"{x} → {y}";
    }

    private static string Number(long value) => value.ToString("N0", Culture);

    private static string Seconds(TimeSpan time) => string.Create(Culture, $"{time.TotalSeconds:F2} s");

    private static string Cost(decimal cost) => string.Create(Culture, $"${cost:0.####}");

    private static string Table(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                text.Append(c == 0 ? row[c].PadRight(widths[c]) : "  " + row[c].PadLeft(widths[c]));
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
