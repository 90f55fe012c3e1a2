using System.Globalization;
using System.Text;

namespace BatchFactory.Cli;

/// <summary>A <see cref="Graph"/> as a Mermaid flowchart (<c>graph --mermaid</c>): a node per op, an arrow per wire.</summary>
internal static class MermaidGraph
{
    /// <summary>The flowchart text, top to bottom; a wire between ports other than 0 is labelled <c>outN → inM</c>.</summary>
    public static string Of(Graph graph)
    {
        var text = new StringBuilder("flowchart TD\n");
        var culture = CultureInfo.InvariantCulture;
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            text.Append(culture, $"  n{i}[\"[{i}] {Label(graph.Nodes[i].ToString())}\"]\n");
        }

        foreach (var edge in graph.Edges)
        {
            var (from, to) = (graph.IndexOf(edge.Source), graph.IndexOf(edge.Target));
            var label = edge.OutPort == 0 && edge.InPort == 0 ? "" : $"|\"out{edge.OutPort} → in{edge.InPort}\"|";
            text.Append(culture, $"  n{from} -->{label} n{to}\n");
        }

        return text.ToString();
    }

    // Text inside a quoted Mermaid label: quotes and angle brackets as entities, one line.
    private static string Label(string text) => text
        .ReplaceLineEndings(" ")
        .Replace("\"", "#quot;", StringComparison.Ordinal)
        .Replace("<", "#lt;", StringComparison.Ordinal)
        .Replace(">", "#gt;", StringComparison.Ordinal);
}
