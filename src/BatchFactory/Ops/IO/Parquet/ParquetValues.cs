using System.Text.Json.Nodes;
using Parquet.Data;

namespace BatchFactory.Operators;

/// <summary>Turns the raw data of one column of one row group into a JSON value per row: values, nulls and lists, from the definition and repetition levels.</summary>
internal static class ParquetValues
{
    /// <summary>The value of each of <paramref name="rows"/> rows.</summary>
    /// <exception cref="NotSupportedException">The column's type has no JSON form here.</exception>
    public static JsonNode?[] Rows(RawColumnData raw, ParquetColumn column, int rows) => raw switch
    {
        RawColumnData<bool> d => Assemble(d, column, rows, v => v),
        RawColumnData<sbyte> d => Assemble(d, column, rows, v => v),
        RawColumnData<byte> d => Assemble(d, column, rows, v => v),
        RawColumnData<short> d => Assemble(d, column, rows, v => v),
        RawColumnData<ushort> d => Assemble(d, column, rows, v => v),
        RawColumnData<int> d => Assemble(d, column, rows, v => v),
        RawColumnData<uint> d => Assemble(d, column, rows, v => v),
        RawColumnData<long> d => Assemble(d, column, rows, v => v),
        RawColumnData<ulong> d => Assemble(d, column, rows, v => v),
        RawColumnData<float> d => Assemble(d, column, rows, v => Finite(v, column)),
        RawColumnData<double> d => Assemble(d, column, rows, v => Finite(v, column)),
        RawColumnData<decimal> d => Assemble(d, column, rows, v => v),
        RawColumnData<ReadOnlyMemory<char>> d => Assemble(d, column, rows, v => v.ToString()),
        RawColumnData<ReadOnlyMemory<byte>> d => Assemble(d, column, rows, v => Convert.ToBase64String(v.Span)),
        RawColumnData<DateTime> d => Assemble(d, column, rows, v => v.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        RawColumnData<DateTimeOffset> d => Assemble(d, column, rows, v => v.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        RawColumnData<DateOnly> d => Assemble(d, column, rows, v => v.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        RawColumnData<TimeOnly> d => Assemble(d, column, rows, v => v.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        RawColumnData<TimeSpan> d => Assemble(d, column, rows, v => v.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
        RawColumnData<Guid> d => Assemble(d, column, rows, v => v.ToString()),
        _ => throw new NotSupportedException($"column '{column.Name}' holds {column.Data.ClrType.Name} values, which have no JSON form here; pass columns: with the others."),
    };

    private static JsonNode?[] Assemble<T>(RawColumnData<T> raw, ParquetColumn column, int rows, Func<T, JsonNode> convert)
        where T : struct
    {
        var values = raw.Values;
        var top = column.Data.MaxDefinitionLevel;
        ReadOnlySpan<int> definitions = top > 0 ? raw.DefinitionLevels : default;
        var result = new JsonNode?[rows];
        var next = 0;
        if (!column.IsList)
        {
            for (var row = 0; row < rows; row++)
            {
                result[row] = top == 0 || definitions[row] == top ? convert(values[next++]) : null;
            }

            return result;
        }

        var repetitions = raw.RepetitionLevels;
        var listLevel = column.ListLevel;
        var current = -1;
        for (var i = 0; i < repetitions.Length; i++)
        {
            var level = top > 0 ? definitions[i] : top;
            if (repetitions[i] == 0)
            {
                result[++current] = level < listLevel - 1 ? null : new JsonArray();
            }

            if (level == top)
            {
                ((JsonArray)result[current]!).Add(convert(values[next++]));
            }
            else if (level >= listLevel)
            {
                ((JsonArray)result[current]!).Add(null);
            }
        }

        return result;
    }

    private static JsonNode Finite(double value, ParquetColumn column) => double.IsFinite(value)
        ? value
        : throw new NotSupportedException($"column '{column.Name}' holds {value}, which JSON cannot hold; entries must round-trip through JSON.");
}
