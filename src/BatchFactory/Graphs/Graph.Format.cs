using System.Text;

namespace BatchFactory;

public sealed partial class Graph
{
    /// <summary>
    /// Lists the ops with their node index and where each out-port goes, e.g.
    /// <code>
    /// Graph (3 ops)
    ///   [0] FromList(3 items) -> [1]
    ///   [1] MapField(n -> square) -> [2]
    ///   [2] ToList(square)
    /// </code>
    /// A wire between ports other than 0 is written <c>out1 -> [4].in0</c>.
    /// </summary>
    /// <returns>A multi-line description.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Graph (").Append(_ops.Length).Append(_ops.Length == 1 ? " op)" : " ops)");
        for (var i = 0; i < _ops.Length; i++)
        {
            var op = _ops[i];
            text.AppendLine().Append("  [").Append(i).Append("] ").Append(DescribeOf(op));
            var wires = _edges.Where(e => e.Source == op).OrderBy(e => e.OutPort).Select(FormatWire).ToList();
            if (wires.Count > 0)
            {
                text.Append(" -> ").AppendJoin(", ", wires);
            }
        }

        return text.ToString();
    }

    private string FormatWire(Edge edge)
    {
        var target = IndexOf(edge.Target);
        return edge.OutPort == 0 && edge.InPort == 0 && edge.Source.OutputPorts == 1 && edge.Target.InputPorts == 1
            ? $"[{target}]"
            : $"out{edge.OutPort} -> [{target}].in{edge.InPort}";
    }
}
