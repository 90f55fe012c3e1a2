using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BatchFactory.Pipelines.Loading;

/// <summary>YAML nodes as JSON values (plain scalars typed as YAML 1.2's core schema reads them: null, booleans, numbers, else text) and as strings.</summary>
internal static class YamlText
{
    public static JsonNode? Json(YamlNode node, Func<YamlScalarNode, string> text) => node switch
    {
        YamlScalarNode scalar => Scalar(scalar, text(scalar)),
        YamlSequenceNode list => new JsonArray(list.Children.Select(c => Json(c, text)).ToArray()),
        YamlMappingNode map => Object(map, text),
        _ => null,
    };

    public static JsonObject Object(YamlMappingNode map, Func<YamlScalarNode, string> text)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            obj[((YamlScalarNode)key).Value ?? string.Empty] = Json(value, text);
        }

        return obj;
    }

    /// <summary>Whether a scalar is plain (unquoted), so its text may be a number, boolean or null.</summary>
    public static bool Plain(YamlScalarNode scalar) => scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;

    private static JsonNode? Scalar(YamlScalarNode scalar, string value)
    {
        if (!Plain(scalar))
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }
}
