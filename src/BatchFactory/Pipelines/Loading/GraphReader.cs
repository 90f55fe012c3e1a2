using YamlDotNet.RepresentationModel;

namespace BatchFactory.Pipelines.Loading;

/// <summary>
/// Reads the <c>graph:</c> list: each item is an op by its C# name, with its arguments as a mapping
/// (<c>- AskLLM: {prompt: …, model: …}</c>), in short form with its first parameter's value (<c>- TakeFirstN: 5</c>),
/// or alone (<c>- Count</c>). Checks every op and argument against the catalogue; nested bodies are read the same way.
/// </summary>
internal sealed class GraphReader(Place place)
{
    /// <summary>The reserved argument that names an op for <c>--set graph.&lt;id&gt;.…</c>.</summary>
    public const string IdKey = "id";

    public List<OpNode> Read(YamlNode node, string where)
    {
        if (node is not YamlSequenceNode list)
        {
            throw place.At(node, $"{where} must be a list of ops (each '- OpName: {{argument: value}}').");
        }

        var ops = new List<OpNode>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Children)
        {
            var op = ReadOp(item);
            if (Id(item) is { } id && !ids.Add(id))
            {
                throw place.At(item, $"two ops have the id '{id}'; ids must be unique within a list.");
            }

            ops.Add(op);
        }

        return ops;
    }

    private static string? Id(YamlNode item) =>
        item is YamlMappingNode { Children.Count: 1 } m && m.Children.Single().Value is YamlMappingNode args
        && args.Children.TryGetValue(new YamlScalarNode(IdKey), out var id) && id is YamlScalarNode s ? s.Value : null;

    private OpNode ReadOp(YamlNode item)
    {
        var (nameNode, value) = item switch
        {
            YamlScalarNode scalar => (scalar, (YamlNode?)null),
            YamlMappingNode { Children.Count: 1 } map when map.Children.Single().Key is YamlScalarNode key => (key, map.Children.Single().Value),
            _ => throw place.At(item, "an op is written '- OpName: {argument: value, …}' (one op name per list item)."),
        };
        var name = nameNode.Value ?? string.Empty;
        var op = OpCatalog.Find(name) ?? throw place.At(nameNode, $"unknown op '{name}'.{Suggest(name)}");
        if (!op.InYaml)
        {
            throw place.At(nameNode, $"{name} can only be used from C#: {op.Summary}");
        }

        var arguments = new List<OpArgument>();
        switch (value)
        {
            case null:
            case YamlScalarNode { Value: null or "" or "~" or "null" } empty when YamlText.Plain(empty):
                break;
            case YamlMappingNode args:
                foreach (var (keyNode, argValue) in args.Children)
                {
                    var key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
                    if (key == IdKey)
                    {
                        continue;
                    }

                    var parameter = op.Parameter(key) ?? throw place.At(keyNode, $"{name} has no argument '{key}'. Its arguments: {string.Join(", ", op.Parameters.Select(p => p.Name))}.");
                    arguments.Add(Argument(op, parameter, argValue));
                }

                break;
            default:
                var first = op.Parameters.FirstOrDefault() ?? throw place.At(value, $"{name} takes no arguments.");
                arguments.Add(Argument(op, first, value));
                break;
        }

        foreach (var missing in op.Parameters.Where(p => p.Required && arguments.All(a => a.Parameter != p)))
        {
            throw place.At(nameNode, $"{name} needs the argument '{missing.Name}' ({missing.Type}: {missing.Summary}).");
        }

        return new OpNode(op, nameNode, arguments);
    }

    private OpArgument Argument(OpDescription op, OpParameter parameter, YamlNode value) =>
        new(parameter, value, parameter.Type == "graph" ? Read(value, $"{op.Name}'s '{parameter.Name}'") : null);

    private static string Suggest(string name)
    {
        var near = OpCatalog.All.Where(o => o.InYaml)
            .Select(o => (o.Name, Distance: Distance(o.Name.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, name.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
        return near is null ? " See 'batchfactory ops' or the README's op table." : $" Did you mean '{near}'?";
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
