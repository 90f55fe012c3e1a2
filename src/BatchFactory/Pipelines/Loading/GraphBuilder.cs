using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Operators;
using BatchFactory.Pipelines.Expressions;
using BatchFactory.Pipelines.Types;
using YamlDotNet.RepresentationModel;

namespace BatchFactory.Pipelines.Loading;

/// <summary>
/// Makes the graph of a read pipeline: converts each argument to its parameter's type (substituting <c>${var}</c>,
/// reading prompt files, resolving paths, compiling conditions and expressions, making answer types) and calls the
/// op's builder. Every problem is a <see cref="PipelineException"/> at the argument (or op) at fault.
/// </summary>
internal sealed class GraphBuilder(Place place, string directory, IReadOnlyDictionary<string, string> vars, DeclaredTypes types, Func<string, string> output)
{
    /// <summary>The var that holds the project folder's path while building.</summary>
    public const string ProjectVar = "project";

    /// <summary>Every model argument met, after substitution.</summary>
    public List<string> Models { get; } = [];

    public Graph Build(IReadOnlyList<OpNode> ops)
    {
        var graph = new Graph();
        foreach (var op in ops)
        {
            graph = graph | Build(op);
        }

        return graph;
    }

    private Graph Build(OpNode node)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var argument in node.Arguments)
        {
            values[argument.Parameter.Name] = Convert(node.Op, argument);
        }

        try
        {
            return node.Op.Builder!(new OpArgs(node.Op, values));
        }
        catch (Exception ex) when (ex is ArgumentException or GraphException or InvalidOperationException or FormatException)
        {
            var at = ex is ArgumentException { ParamName: { } name } ? node.Arguments.FirstOrDefault(a => a.Parameter.Name == name)?.Value : null;
            var message = ex.Message.StartsWith(node.Op.Name + ":", StringComparison.Ordinal) ? ex.Message : $"{node.Op.Name}: {ex.Message}";
            throw place.At(at ?? node.At, message, ex);
        }
    }

    private object? Convert(OpDescription op, OpArgument argument)
    {
        var (parameter, node) = (argument.Parameter, argument.Value);
        if (argument.Body is { } body)
        {
            return Build(body);
        }

        var what = $"{op.Name}'s '{parameter.Name}'";
        switch (parameter.Type)
        {
            case "map":
                return node is YamlMappingNode map ? YamlText.Object(map, Text) : throw place.At(node, $"{what} must be a mapping (name: value, …).");
            case "list":
                return node is YamlSequenceNode ? YamlText.Json(node, Text) : throw place.At(node, $"{what} must be a list.");
            case "any":
                return YamlText.Json(node, Text);
            case "string[]":
                return node switch
                {
                    YamlSequenceNode list => list.Children.Select(c => c is YamlScalarNode s ? Text(s) : throw place.At(c, $"{what} must be a list of names.")).ToArray(),
                    YamlScalarNode one => new[] { Text(one) },
                    _ => throw place.At(node, $"{what} must be a list of names."),
                };
            case "string" when node is YamlMappingNode file:
                return PromptFile(file, what);
        }

        if (node is not YamlScalarNode scalar)
        {
            throw place.At(node, $"{what} must be {Expected(parameter)}, not a {(node is YamlSequenceNode ? "list" : "mapping")}.");
        }

        var text = Text(scalar);
        if (parameter.Values is { } allowed && !allowed.Contains(text))
        {
            throw place.At(node, $"{what} must be one of {string.Join(", ", allowed)}, not '{text}'.");
        }

        switch (parameter.Type)
        {
            case "int":
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw place.At(node, $"{what} must be a whole number, not '{text}'.");
            case "number":
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw place.At(node, $"{what} must be a number, not '{text}'.");
            case "bool":
                return text switch { "true" => true, "false" => false, _ => throw place.At(node, $"{what} must be true or false, not '{text}'.") };
            case "path":
                try
                {
                    return parameter.Writes ? output(text) : Path.GetFullPath(Path.Combine(directory, text));
                }
                catch (ArgumentException ex)
                {
                    throw place.At(node, $"{what}: {ex.Message}", ex);
                }

            case "model":
                Models.Add(text);
                return text;
            case "condition":
                return Compile(scalar, text, what, t => new CompiledCondition(t, Expression.CompileCondition(t)));
            case "expression":
                return Compile(scalar, text, what, t => new CompiledExpression(t, Expression.Compile(t)));
            case "type":
                try
                {
                    var (name, schema) = types.Answer(text);
                    return new SchemaAnswerType(name, schema);
                }
                catch (ExpressionException ex)
                {
                    throw place.At(node, $"{what}: {ex.Message}.", ex);
                }

            default:
                return text;
        }
    }

    private object Compile(YamlScalarNode node, string text, string what, Func<string, object> compile)
    {
        try
        {
            return compile(text);
        }
        catch (ExpressionException ex)
        {
            throw place.At(node, $"{what}: {ex.Message} (at character {ex.Offset + 1} of \"{text}\").", ex, offset: ex.Offset + (YamlText.Plain(node) ? 0 : 1));
        }
    }

    // {file: name.txt}: the text of a file next to the pipeline.
    private string PromptFile(YamlMappingNode node, string what)
    {
        if (node.Children.Count != 1 || !node.Children.TryGetValue(new YamlScalarNode("file"), out var fileNode) || fileNode is not YamlScalarNode fileScalar)
        {
            throw place.At(node, $"{what} is text, or {{file: name}} to read it from a file next to the pipeline.");
        }

        var path = Path.GetFullPath(Path.Combine(directory, Text(fileScalar)));
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw place.At(fileScalar, $"{what}: cannot read the prompt file '{path}' ({(ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : ex.Message)}).", ex);
        }
    }

    /// <summary>A scalar's text with <c>${var}</c> replaced (<c>$${</c> for a literal <c>${</c>).</summary>
    public string Text(YamlScalarNode node)
    {
        var text = node.Value ?? string.Empty;
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                result.Append("${");
                i += 3;
            }
            else if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = text.IndexOf('}', i);
                if (end < 0)
                {
                    throw place.At(node, $"'${{' is not closed in \"{text}\".", offset: i);
                }

                var name = text[(i + 2)..end];
                result.Append(vars.TryGetValue(name, out var value) ? value
                    : throw place.At(node, $"there is no var '{name}'. Declare it under vars: (known: {string.Join(", ", vars.Keys)}).", offset: i));
                i = end + 1;
            }
            else
            {
                result.Append(text[i++]);
            }
        }

        return result.ToString();
    }

    private static string Expected(OpParameter parameter) => parameter.Type switch
    {
        "int" => "a whole number",
        "number" => "a number",
        "bool" => "true or false",
        "condition" => "a condition (text)",
        "expression" => "an expression (text)",
        "type" => "a type name",
        _ => "text",
    };
}
