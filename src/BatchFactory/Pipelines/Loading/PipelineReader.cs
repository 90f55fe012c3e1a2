using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using BatchFactory.Pipelines.Types;

namespace BatchFactory.Pipelines.Loading;

/// <summary>
/// Reads a pipeline file: parses it (YamlDotNet's representation model, so every node keeps its line and column),
/// applies the <c>--set</c>s, resolves the vars, checks the types and the graph, and the <c>batchfactory:</c> section.
/// </summary>
internal sealed class PipelineReader
{
    private static readonly string[] TopLevel = ["name", "version", "description", "vars", "types", "batchfactory", "graph"];

    private PipelineReader(string path, YamlMappingNode root, Place place, Dictionary<string, string> varValues)
    {
        Path = path;
        Root = root;
        Place = place;
        VarValues = varValues;
    }

    public string Path { get; }

    public YamlMappingNode Root { get; }

    public Place Place { get; }

    public Dictionary<string, string> VarValues { get; }

    public static (PipelineReader Reader, List<OpNode> Graph, DeclaredTypes Types) Read(string path, IEnumerable<string> sets)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PipelineException(path, 0, 0, $"cannot read the pipeline: {ex.Message}", ex);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new PipelineException(path, (int)ex.Start.Line, (int)ex.Start.Column, $"not valid YAML: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new PipelineException(path, 1, 1, "a pipeline is one YAML mapping with name, version, vars, types and graph.");
        }

        var setValues = new Dictionary<string, string>(StringComparer.Ordinal);
        var fromSets = Sets.Apply(root, sets, path, setValues);
        var reader = new PipelineReader(path, root, new Place(path, fromSets), []);
        foreach (var (key, _) in root.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } || !TopLevel.Contains(name))
            {
                throw reader.Place.At(key, $"'{(key as YamlScalarNode)?.Value}' is not a pipeline section. Known: {string.Join(", ", TopLevel)}.");
            }
        }

        reader.ReadVars(setValues);
        var types = reader.ReadTypes();
        var graphNode = reader.Section("graph") ?? throw new PipelineException(path, 1, 1, "the pipeline has no graph: (the list of ops).");
        return (reader, new GraphReader(reader.Place).Read(graphNode, "graph"), types);
    }

    public YamlNode? Section(string name) => Root.Children.TryGetValue(new YamlScalarNode(name), out var node) ? node : null;

    public string? Scalar(string name) => Section(name) switch
    {
        null => null,
        YamlScalarNode scalar => scalar.Value,
        var other => throw Place.At(other, $"'{name}' must be text."),
    };

    // vars: name: default | name: {default: …, required: true, description: …}; a var without a default is required.
    private void ReadVars(Dictionary<string, string> setValues)
    {
        var declared = Section("vars") switch
        {
            null => new YamlMappingNode(),
            YamlMappingNode map => map,
            var other => throw Place.At(other, "vars: must be a mapping of names to defaults."),
        };
        foreach (var (keyNode, value) in declared.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            if (name == GraphBuilder.ProjectVar)
            {
                throw Place.At(keyNode, $"'{GraphBuilder.ProjectVar}' is the project folder's path; choose another var name.");
            }

            var (fallback, required) = value switch
            {
                YamlScalarNode { Value: null or "" or "~" or "null" } s when YamlText.Plain(s) => ((string?)null, true),
                YamlScalarNode s => (s.Value, false),
                YamlMappingNode m => Declaration(m),
                _ => throw Place.At(value, $"var '{name}': give a default value, or {{default: …, required: true, description: …}}."),
            };
            if (setValues.Remove(name, out var set))
            {
                VarValues[name] = set;
            }
            else if (fallback is not null && !required)
            {
                VarValues[name] = fallback;
            }
            else
            {
                throw Place.At(keyNode, $"the var '{name}' is required: give it with --set {name}=value.");
            }
        }

        foreach (var unknown in setValues.Keys)
        {
            throw new PipelineException(Path, 0, 0, $"--set {unknown}=…: the pipeline has no var '{unknown}' (vars: {(VarValues.Count == 0 ? "none" : string.Join(", ", VarValues.Keys))}).");
        }
    }

    private (string?, bool) Declaration(YamlMappingNode map)
    {
        string? fallback = null;
        var required = false;
        foreach (var (key, value) in map.Children)
        {
            switch ((key as YamlScalarNode)?.Value)
            {
                case "default":
                    fallback = (value as YamlScalarNode)?.Value ?? throw Place.At(value, "a var's default is text.");
                    break;
                case "required":
                    required = (value as YamlScalarNode)?.Value switch { "true" => true, "false" => false, _ => throw Place.At(value, "required: is true or false.") };
                    break;
                case "description":
                    break;
                default:
                    throw Place.At(key, "a var declares default, required and description.");
            }
        }

        return (fallback, required || fallback is null);
    }

    // types: Name: {field: declaration, …}; every type is made now, so a bad declaration fails the load at its line.
    private DeclaredTypes ReadTypes()
    {
        var fields = new Dictionary<string, IReadOnlyList<(string, string)>>(StringComparer.Ordinal);
        var marks = new Dictionary<(string, string?), YamlNode>();
        if (Section("types") is { } section)
        {
            if (section is not YamlMappingNode types)
            {
                throw Place.At(section, "types: must be a mapping of type names to their fields.");
            }

            foreach (var (nameNode, body) in types.Children)
            {
                var name = ((YamlScalarNode)nameNode).Value ?? string.Empty;
                marks[(name, null)] = nameNode;
                if (body is not YamlMappingNode { Children.Count: > 0 } members)
                {
                    throw Place.At(body, $"type '{name}' must list its fields (field: type % description).");
                }

                var list = new List<(string, string)>();
                foreach (var (fieldNode, declaration) in members.Children)
                {
                    var field = ((YamlScalarNode)fieldNode).Value ?? string.Empty;
                    marks[(name, field)] = declaration;
                    list.Add((field, declaration is YamlScalarNode { Value: { } d } ? d : throw Place.At(declaration, $"{name}.{field}: a field is declared as text, e.g. 'int(1..5) % a score'.")));
                }

                fields[name] = list;
            }
        }

        var declared = new DeclaredTypes(fields);
        foreach (var name in fields.Keys)
        {
            try
            {
                declared.Object(name);
            }
            catch (TypeDeclarationException ex)
            {
                var at = marks.GetValueOrDefault((ex.Type, ex.Field)) ?? marks[(ex.Type, null)];
                throw Place.At(at, $"type {ex.Type}{(ex.Field is null ? string.Empty : "." + ex.Field)}: {ex.Message}.", ex, ex.Offset);
            }
        }

        return declared;
    }
}
