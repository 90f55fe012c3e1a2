using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BatchFactory.Cli;

/// <summary>
/// <c>run --batch</c>: a <c>--set graph.N.mode=Batch</c> for every op of the pipeline that calls a model (has a
/// <c>mode</c> argument in the <see cref="OpCatalog"/>), in nested bodies too, so its calls go through the provider's
/// batch API, as the demos' <c>--batch</c> does.
/// </summary>
internal static class BatchSets
{
    private const string ModeParameter = "mode";

    /// <summary>The sets for the pipeline at <paramref name="path"/>; none for a file that is not there or not a mapping with a <c>graph:</c> list (the load then says what is wrong).</summary>
    /// <exception cref="CliException">The file is not valid YAML (the message says where).</exception>
    public static IReadOnlyList<string> For(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var stream = new YamlStream();
        try
        {
            using var reader = File.OpenText(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new CliException($"{Path.GetFullPath(path)}:{ex.Start.Line}:{ex.Start.Column}: {ex.Message}", ex);
        }

        var sets = new List<string>();
        if (stream.Documents is [{ RootNode: YamlMappingNode root }] && root.Children.TryGetValue(new YamlScalarNode("graph"), out var graph))
        {
            Walk(graph, "graph", sets);
        }

        return sets;
    }

    private static void Walk(YamlNode list, string prefix, List<string> sets)
    {
        if (list is not YamlSequenceNode ops)
        {
            return;
        }

        for (var i = 0; i < ops.Children.Count; i++)
        {
            if (ops.Children[i] is not YamlMappingNode { Children.Count: 1 } holder)
            {
                continue;
            }

            var (key, value) = holder.Children.Single();
            if (key is not YamlScalarNode { Value: { } name } || OpCatalog.Find(name) is not { } op)
            {
                continue;
            }

            var at = $"{prefix}.{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            if (op.Parameter(ModeParameter) is not null)
            {
                sets.Add($"{at}.{ModeParameter}={nameof(CallMode.Batch)}");
            }

            foreach (var body in op.Parameters.Where(p => p.Type == "graph"))
            {
                if (value is YamlMappingNode args && args.Children.TryGetValue(new YamlScalarNode(body.Name), out var nested))
                {
                    Walk(nested, $"{at}.{body.Name}", sets);
                }
            }
        }
    }
}
