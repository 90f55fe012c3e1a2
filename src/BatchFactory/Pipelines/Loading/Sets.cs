using YamlDotNet.RepresentationModel;

namespace BatchFactory.Pipelines.Loading;

/// <summary>
/// <c>--set</c> overrides, applied to the parsed file before anything is read from it: <c>name=value</c> and
/// <c>vars.name=value</c> set a var; <c>graph.N.arg=value</c> sets an op's argument, where N is the op's 0-based
/// position in the list or its <c>id:</c>, and a nested body goes on with more segments
/// (<c>graph.3.body.0.rounds=2</c>). Values are read as YAML scalars (<c>42</c> is a number, <c>'42'</c> text).
/// </summary>
internal static class Sets
{
    /// <summary>Applies each set; the new nodes are remembered with their set, so errors about them name it.</summary>
    /// <exception cref="PipelineException">A set is malformed or names no var or op.</exception>
    public static Dictionary<YamlNode, string> Apply(YamlMappingNode root, IEnumerable<string> sets, string path, Dictionary<string, string> varValues)
    {
        var made = new Dictionary<YamlNode, string>(ReferenceEqualityComparer.Instance);
        foreach (var set in sets)
        {
            var equals = set.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new PipelineException(path, 0, 0, $"--set '{set}' is not name=value (e.g. model=gpt-4o-mini@openai or graph.2.seed=7).");
            }

            var segments = set[..equals].Trim().Split('.');
            var value = set[(equals + 1)..];
            var varName = segments.Length == 1 ? segments[0] : segments.Length == 2 && segments[0] == "vars" ? segments[1] : null;
            if (varName is not null)
            {
                varValues[varName] = value;
                continue;
            }

            if (segments[0] != "graph" || segments.Length < 3)
            {
                throw new PipelineException(path, 0, 0, $"--set '{set}': the name is a var (name or vars.name) or an op argument (graph.N.argument).");
            }

            var node = Scalar(value);
            made[node] = set;
            SetArgument(root, segments, node, set, path);
        }

        return made;
    }

    private static void SetArgument(YamlMappingNode root, string[] segments, YamlScalarNode value, string set, string path)
    {
        var list = root.Children.TryGetValue(new YamlScalarNode("graph"), out var g) ? g as YamlSequenceNode : null;
        var i = 1;
        while (true)
        {
            if (list is null)
            {
                throw new PipelineException(path, 0, 0, $"--set '{set}': '{string.Join('.', segments[..i])}' is not a list of ops.");
            }

            var op = Pick(list, segments[i], set, path);
            if (op is not YamlMappingNode { Children.Count: 1 } holder)
            {
                throw new PipelineException(path, 0, 0, $"--set '{set}': op '{segments[i]}' has no arguments to set; write it as 'Name: {{...}}' in the file.");
            }

            var entry = holder.Children.Single();
            if (entry.Value is not YamlMappingNode args)
            {
                args = new YamlMappingNode();
                if (entry.Value is YamlScalarNode { Value: null or "" } or null)
                {
                    holder.Children[entry.Key] = args;
                }
                else
                {
                    throw new PipelineException(path, 0, 0, $"--set '{set}': op '{segments[i]}' is written in short form; write its arguments as a mapping to set one.");
                }
            }

            var argument = segments[i + 1];
            if (i + 2 >= segments.Length)
            {
                args.Children[new YamlScalarNode(argument)] = value;
                return;
            }

            list = args.Children.TryGetValue(new YamlScalarNode(argument), out var body) ? body as YamlSequenceNode : null;
            i += 2;
        }
    }

    // The op at a position, or with an id: argument.
    private static YamlNode Pick(YamlSequenceNode list, string segment, string set, string path)
    {
        if (int.TryParse(segment, out var index))
        {
            return index >= 0 && index < list.Children.Count ? list.Children[index] : throw new PipelineException(path, 0, 0, $"--set '{set}': there is no op {index} (the list has {list.Children.Count}).");
        }

        return list.Children.FirstOrDefault(op => op is YamlMappingNode { Children.Count: 1 } m && m.Children.Single().Value is YamlMappingNode args
                && args.Children.TryGetValue(new YamlScalarNode("id"), out var id) && id is YamlScalarNode { Value: var v } && v == segment)
            ?? throw new PipelineException(path, 0, 0, $"--set '{set}': no op has the id '{segment}'.");
    }

    private static YamlScalarNode Scalar(string value)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(value.Length == 0 ? "''" : value));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return new YamlScalarNode(value);
        }

        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlScalarNode scalar ? scalar : new YamlScalarNode(value) { Style = YamlDotNet.Core.ScalarStyle.SingleQuoted };
    }
}
