using Parquet.Schema;

namespace BatchFactory.Operators;

/// <summary>
/// A top-level Parquet column that the Parquet ops read and write: a primitive (<see cref="List"/> is null) or a list
/// of primitives. <see cref="Data"/> is the leaf that holds the values.
/// </summary>
internal sealed record ParquetColumn(string Name, DataField Data, ListField? List)
{
    /// <summary>
    /// The definition level from which a list exists (below it minus one: a null list; at it minus one: empty). For a
    /// legacy repeated primitive it is the leaf's level.
    /// </summary>
    public int ListLevel => List?.MaxDefinitionLevel ?? Data.MaxDefinitionLevel;

    /// <summary>Whether each row holds a list of values.</summary>
    public bool IsList => Data.MaxRepetitionLevel > 0;

    /// <summary>The readable columns of a file's schema, all of them or the named ones, in schema order.</summary>
    /// <exception cref="InputFileException">A column is nested deeper (a struct, a map, a list of lists) or a named one is missing.</exception>
    public static List<ParquetColumn> Of(ParquetSchema schema, string[]? names, string path)
    {
        var byName = schema.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        if (names?.FirstOrDefault(n => !byName.ContainsKey(n)) is { } missing)
        {
            throw new InputFileException(path, null, $"there is no column '{missing}' (columns: {string.Join(", ", byName.Keys)}).");
        }

        return [.. (names ?? [.. byName.Keys]).Select(n => Column(byName[n], path))];
    }

    private static ParquetColumn Column(Field field, string path) => field switch
    {
        DataField { MaxRepetitionLevel: <= 1 } data => new ParquetColumn(field.Name, data, null),
        ListField { Item: DataField { MaxRepetitionLevel: 1 } item } list => new ParquetColumn(field.Name, item, list),
        _ => throw new InputFileException(
            path,
            null,
            $"column '{field.Name}' is a {field.SchemaType.ToString().ToLowerInvariant()} nested deeper than a list of values, which ReadParquet cannot read; pass columns: with the others."),
    };
}
