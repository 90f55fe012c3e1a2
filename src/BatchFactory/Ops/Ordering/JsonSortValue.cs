using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>
/// A JSON value reduced to something totally ordered: null &lt; false &lt; true &lt; numbers (by value) &lt;
/// strings (ordinal) &lt; arrays &lt; objects (both by their JSON text).
/// </summary>
internal readonly struct JsonSortValue : IComparable<JsonSortValue>
{
    private readonly int _rank;
    private readonly double _number;
    private readonly string? _text;

    private JsonSortValue(int rank, double number, string? text)
    {
        _rank = rank;
        _number = number;
        _text = text;
    }

    public static JsonSortValue Of(JsonNode? node)
    {
        switch (node?.GetValueKind())
        {
            case null:
            case JsonValueKind.Null:
                return new(0, 0, null);
            case JsonValueKind.False:
                return new(1, 0, null);
            case JsonValueKind.True:
                return new(1, 1, null);
            case JsonValueKind.Number:
                return new(2, double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture), null);
            case JsonValueKind.String:
                return new(3, 0, node.GetValue<string>());
            case JsonValueKind.Array:
                return new(4, 0, node.ToJsonString());
            default:
                return new(5, 0, node.ToJsonString());
        }
    }

    public int CompareTo(JsonSortValue other)
    {
        var c = _rank.CompareTo(other._rank);
        if (c != 0)
        {
            return c;
        }

        c = _number.CompareTo(other._number);
        return c != 0 ? c : string.CompareOrdinal(_text, other._text);
    }
}
