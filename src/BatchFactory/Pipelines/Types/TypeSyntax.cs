using System.Globalization;
using System.Text.Json.Nodes;
using BatchFactory.Pipelines.Expressions;

namespace BatchFactory.Pipelines.Types;

/// <summary>
/// A field declaration of <c>types:</c>, ChainFactory-style: <c>type[?] [= default] [% description]</c>. The type is
/// <c>str</c>, <c>int</c>, <c>float</c>, <c>bool</c>, a declared type, <c>list[T]</c> or <c>enum[a, b]</c>, with an
/// optional range in parentheses: <c>int(1..5)</c> (minimum, maximum), <c>str(..300)</c> (lengths),
/// <c>list[T](1..3)</c> (items). <c>?</c> makes the field nullable (it stays required, as strict mode wants).
/// </summary>
internal sealed record TypeSyntax(string Type, bool Nullable, string? Default, string? Description)
{
    /// <summary>Splits a declaration into its parts.</summary>
    /// <exception cref="ExpressionException">The declaration is malformed; the offset says where.</exception>
    public static TypeSyntax Parse(string text)
    {
        var description = default(string);
        var percent = text.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0)
        {
            description = text[(percent + 1)..].Trim();
            text = text[..percent];
        }

        var @default = default(string);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            @default = text[(equals + 1)..].Trim();
            text = text[..equals];
            if (@default.Length == 0)
            {
                throw new ExpressionException("'=' needs a default value after it", equals);
            }
        }

        var type = text.Trim();
        var nullable = type.EndsWith('?');
        type = nullable ? type[..^1].TrimEnd() : type;
        return type.Length == 0 ? throw new ExpressionException("the declaration names no type (e.g. 'str', 'int', 'list[QA]')", 0) : new TypeSyntax(type, nullable, @default, description);
    }

    /// <summary>Reads a range <c>(min..max)</c> (either side may be empty) at the end of a type, returning the type without it.</summary>
    public static (string Type, double? Min, double? Max) Range(string type)
    {
        if (!type.EndsWith(')'))
        {
            return (type, null, null);
        }

        var open = type.LastIndexOf('(');
        var dots = type.IndexOf("..", Math.Max(open, 0), StringComparison.Ordinal);
        if (open < 0 || dots < 0)
        {
            throw new ExpressionException($"'{type}': a range is written (min..max), e.g. int(1..5) or str(..300)", Math.Max(open, 0));
        }

        return (type[..open].Trim(), Bound(type[(open + 1)..dots], type, open), Bound(type[(dots + 2)..^1], type, open));
    }

    private static double? Bound(string text, string type, int offset) =>
        text.Trim() is { Length: 0 } ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ExpressionException($"'{type}': '{text.Trim()}' is not a number", offset);

    /// <summary>A number bound as JSON: whole numbers without a fraction, as .NET writes a Range of ints.</summary>
    public static JsonNode BoundNode(double value) => value == Math.Floor(value) ? JsonValue.Create((long)value) : JsonValue.Create(value);
}
