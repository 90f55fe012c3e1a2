using System.Globalization;
using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>Parsing and inference of <see cref="CsvColumnKind"/> values.</summary>
internal static class CsvColumnKinds
{
    /// <summary>The kind a user declares with a CLR type: <see cref="string"/>, <see cref="long"/>, <see cref="int"/>, <see cref="double"/>, <see cref="float"/>, <see cref="decimal"/> or <see cref="bool"/>.</summary>
    /// <exception cref="ArgumentException">Another type.</exception>
    public static CsvColumnKind Of(Type type, string column) => type switch
    {
        _ when type == typeof(string) => CsvColumnKind.String,
        _ when type == typeof(long) || type == typeof(int) => CsvColumnKind.Long,
        _ when type == typeof(double) || type == typeof(float) => CsvColumnKind.Double,
        _ when type == typeof(decimal) => CsvColumnKind.Decimal,
        _ when type == typeof(bool) => CsvColumnKind.Bool,
        _ => throw new ArgumentException($"ReadCsv: column '{column}' is declared as {type.Name}; declare string, long, int, double, float, decimal or bool.", nameof(type)),
    };

    /// <summary>The kind of a column that was <paramref name="kind"/> and has the non-empty value <paramref name="value"/> too.</summary>
    public static CsvColumnKind Widen(CsvColumnKind kind, string value)
    {
        if (kind == CsvColumnKind.String || value.Length == 0)
        {
            return kind;
        }

        var own = TryParse(CsvColumnKind.Long, value, out _) ? CsvColumnKind.Long
            : TryParse(CsvColumnKind.Double, value, out _) ? CsvColumnKind.Double
            : TryParse(CsvColumnKind.Bool, value, out _) ? CsvColumnKind.Bool
            : CsvColumnKind.String;
        return (kind, own) switch
        {
            (CsvColumnKind.Empty, _) => own,
            _ when kind == own => kind,
            (CsvColumnKind.Long, CsvColumnKind.Double) or (CsvColumnKind.Double, CsvColumnKind.Long) => CsvColumnKind.Double,
            _ => CsvColumnKind.String,
        };
    }

    /// <summary>Converts a value to JSON as <paramref name="kind"/>: empty is null; false when it does not parse.</summary>
    public static bool TryParse(CsvColumnKind kind, string value, out JsonNode? node)
    {
        node = null;
        if (value.Length == 0 || kind == CsvColumnKind.Empty)
        {
            return value.Length == 0;
        }

        var invariant = CultureInfo.InvariantCulture;
        switch (kind)
        {
            case CsvColumnKind.String:
                node = value;
                return true;
            case CsvColumnKind.Long when !LeadingZero(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, invariant, out var l):
                node = l;
                return true;
            case CsvColumnKind.Double when !LeadingZero(value) && double.TryParse(value, NumberStyles.Float, invariant, out var d) && double.IsFinite(d):
                node = d;
                return true;
            case CsvColumnKind.Decimal when decimal.TryParse(value, NumberStyles.Float, invariant, out var m):
                node = m;
                return true;
            case CsvColumnKind.Bool when bool.TryParse(value, out var b):
                node = b;
                return true;
            default:
                return false;
        }
    }

    // "007", "-01", "00.5": a zero followed by another digit at the start of the number.
    private static bool LeadingZero(string value)
    {
        var digits = value.AsSpan().TrimStart("+-");
        return digits.Length > 1 && digits[0] == '0' && char.IsAsciiDigit(digits[1]);
    }
}
