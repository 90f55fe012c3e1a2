using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>
/// A JSON value reduced to something totally ordered: null &lt; false &lt; true &lt; numbers (by exact value) &lt;
/// strings (ordinal) &lt; arrays &lt; objects (both by their JSON text).
/// </summary>
internal readonly struct JsonSortValue : IComparable<JsonSortValue>
{
    private readonly int _rank;
    private readonly decimal _exact;
    private readonly double _number;
    private readonly bool _isExact;
    private readonly string? _text;

    private JsonSortValue(int rank, decimal exact, double number, bool isExact, string? text)
    {
        _rank = rank;
        _exact = exact;
        _number = number;
        _isExact = isExact;
        _text = text;
    }

    public static JsonSortValue Of(JsonNode? node)
    {
        switch (node?.GetValueKind())
        {
            case null:
            case JsonValueKind.Null:
                return new(0, 0, 0, true, null);
            case JsonValueKind.False:
                return new(1, 0, 0, true, null);
            case JsonValueKind.True:
                return new(1, 1, 1, true, null);
            case JsonValueKind.Number:
                return Number(node.ToJsonString());
            case JsonValueKind.String:
                return new(3, 0, 0, true, node.GetValue<string>());
            case JsonValueKind.Array:
                return new(4, 0, 0, true, node.ToJsonString());
            default:
                return new(5, 0, 0, true, node.ToJsonString());
        }
    }

    // Decimal keeps 64-bit integers and up to 28 significant digits exact; larger magnitudes fall back to double.
    private static JsonSortValue Number(string text)
    {
        var number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
            ? new(2, exact, number, true, null)
            : new(2, 0, number, false, null);
    }

    public int CompareTo(JsonSortValue other)
    {
        var c = _rank.CompareTo(other._rank);
        if (c != 0)
        {
            return c;
        }

        c = _isExact && other._isExact ? _exact.CompareTo(other._exact) : _number.CompareTo(other._number);
        return c != 0 ? c : string.CompareOrdinal(_text, other._text);
    }
}
