using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;

namespace BatchFactory.Operators;

/// <summary>
/// A column that WriteParquet writes: its type, inferred from every entry's value (long, double when any number has a
/// fraction, bool, string; objects as their JSON text), optionally a list of such values; every column and list item is
/// nullable. Writes one row group's values with their definition and repetition levels.
/// </summary>
internal sealed class ParquetOutColumn
{
    private readonly string _key;
    private readonly bool _isObject;

    private ParquetOutColumn(string key, JsonValueKind kind, bool fraction, bool isObject, bool isList)
    {
        _key = key;
        _isObject = isObject;
        var type = kind switch
        {
            JsonValueKind.Number when fraction => typeof(double),
            JsonValueKind.Number => typeof(long),
            JsonValueKind.True => typeof(bool),
            _ => typeof(string),
        };
        Leaf = new DataField(isList ? "element" : key, type, true);
        Field = isList ? new ListField(key, Leaf) : Leaf;
    }

    /// <summary>The schema field of the column.</summary>
    public Field Field { get; }

    private DataField Leaf { get; }

    /// <summary>Infers the column <paramref name="key"/> from the entries' values.</summary>
    /// <exception cref="EntryFieldException">Values of different kinds, or lists inside lists.</exception>
    public static ParquetOutColumn Infer(string key, IReadOnlyList<Entry> entries)
    {
        (JsonValueKind Kind, bool IsObject, bool Fraction)? item = null;
        bool? isList = null;
        foreach (var entry in entries)
        {
            if (!entry.Data.TryGetPropertyValue(key, out var value) || value is null)
            {
                continue;
            }

            var list = value is JsonArray;
            if (isList is { } known && known != list)
            {
                throw Mixed(entry, key, list ? "a list" : "a single value", known ? "lists" : "single values");
            }

            isList = list;
            foreach (var node in list ? value.AsArray() : (IEnumerable<JsonNode?>)[value])
            {
                if (node is JsonArray)
                {
                    throw new EntryFieldException(entry.Idx, key, $"WriteParquet: field '{key}' of entry '{entry.Idx}' holds a list inside a list, which this Parquet writer does not write.");
                }

                item = Merge(item, node, entry, key);
            }
        }

        var (kind, isObject, fraction) = item ?? (JsonValueKind.String, false, false);
        return new ParquetOutColumn(key, kind, fraction, isObject, isList ?? false);
    }

    /// <summary>Writes the column's values for <paramref name="rows"/> into <paramref name="group"/>.</summary>
    public Task WriteAsync(ParquetRowGroupWriter group, ReadOnlySpan<Entry> rows, CancellationToken cancellationToken) => Leaf.ClrType switch
    {
        var t when t == typeof(long) => WriteAsync(group, Levels(rows, JsonFieldCodec.FromNode<long>), cancellationToken),
        var t when t == typeof(double) => WriteAsync(group, Levels(rows, JsonFieldCodec.FromNode<double>), cancellationToken),
        var t when t == typeof(bool) => WriteAsync(group, Levels(rows, JsonFieldCodec.FromNode<bool>), cancellationToken),
        _ => WriteAsync(group, Levels(rows, n => (_isObject ? n.ToJsonString() : n.GetValue<string>()).AsMemory()), cancellationToken),
    };

    private static (JsonValueKind Kind, bool IsObject, bool Fraction)? Merge((JsonValueKind Kind, bool IsObject, bool Fraction)? seen, JsonNode? node, Entry entry, string key)
    {
        if (node is null)
        {
            return seen;
        }

        var kind = node.GetValueKind() switch
        {
            JsonValueKind.False => JsonValueKind.True,
            JsonValueKind.Object => JsonValueKind.String,
            var k => k,
        };
        var isObject = node is JsonObject;
        var fraction = kind == JsonValueKind.Number && !(node.AsValue().TryGetValue<long>(out _) || long.TryParse(node.ToJsonString(), out _));
        if (seen is { } s && (s.Kind != kind || s.IsObject != isObject))
        {
            throw Mixed(entry, key, isObject ? "an object" : kind.ToString().ToLowerInvariant(), s.IsObject ? "objects" : s.Kind.ToString().ToLowerInvariant());
        }

        return (kind, isObject, fraction || (seen?.Fraction ?? false));
    }

    private static EntryFieldException Mixed(Entry entry, string key, string found, string before) =>
        new(entry.Idx, key, $"WriteParquet: field '{key}' of entry '{entry.Idx}' holds {found}, but earlier entries hold {before}; a Parquet column has one type.");

    private (T[] Values, int[] Definitions, int[]? Repetitions) Levels<T>(ReadOnlySpan<Entry> rows, Func<JsonNode, T> convert)
    {
        var values = new List<T>(rows.Length);
        var definitions = new List<int>(rows.Length);
        var repetitions = Field is ListField ? new List<int>(rows.Length) : null;
        var top = Leaf.MaxDefinitionLevel;
        foreach (var entry in rows)
        {
            var value = entry.Data.TryGetPropertyValue(_key, out var v) ? v : null;
            if (repetitions is null)
            {
                Add(value, top);
                continue;
            }

            if (value is not JsonArray list || list.Count == 0)
            {
                definitions.Add(value is null ? 0 : 1);
                repetitions.Add(0);
                continue;
            }

            for (var i = 0; i < list.Count; i++)
            {
                repetitions.Add(i == 0 ? 0 : 1);
                Add(list[i], top);
            }
        }

        return ([.. values], [.. definitions], repetitions?.ToArray());

        void Add(JsonNode? node, int present)
        {
            definitions.Add(node is null ? present - 1 : present);
            if (node is not null)
            {
                values.Add(convert(node));
            }
        }
    }

    private Task WriteAsync<T>(ParquetRowGroupWriter group, (T[] Values, int[] Definitions, int[]? Repetitions) column, CancellationToken cancellationToken)
        where T : struct =>
        group.WriteAllPartsAsync<T>(Leaf, column.Values, column.Definitions, column.Repetitions, cancellationToken);
}
