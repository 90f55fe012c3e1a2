using Parquet;
using Parquet.Schema;

namespace BatchFactory.Operators;

/// <summary>Writes entries to a Parquet file in stream order, in row groups of a set size, a column per field with a type inferred from the values.</summary>
internal sealed class WriteParquetOp : WriterOp
{
    private readonly string[]? _keys;
    private readonly int _rowGroupSize;

    public WriteParquetOp(string path, string[]? keys, int rowGroupSize)
        : base("WriteParquet", FileChecks.Path(path, "WriteParquet", nameof(path)))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        _keys = FileChecks.Keys(Kind, keys, nameof(keys));
        _rowGroupSize = rowGroupSize;
    }

    private protected override string Describe() =>
        FileChecks.Describe(Path, _keys) + $", row groups of {_rowGroupSize}";

    protected override Task WriteAsync(IReadOnlyList<Entry> entries, AtomicFiles files, CancellationToken cancellationToken)
    {
        var keys = _keys ?? [.. entries.SelectMany(e => e.Data.Select(p => p.Key)).Distinct(StringComparer.Ordinal)];
        if (keys.Length == 0)
        {
            throw new InvalidOperationException("WriteParquet: there are no fields to make columns of (no entries, or entries without fields); pass keys: to write an empty file with those columns.");
        }

        var columns = keys.Select(k => ParquetOutColumn.Infer(k, entries)).ToArray();
        var schema = new ParquetSchema(columns.Select(c => c.Field));
        var rows = entries as Entry[] ?? [.. entries];
        return files.WriteAsync(Path, (stream, token) => WriteGroupsAsync(schema, columns, rows, stream, token), cancellationToken);
    }

    private async Task WriteGroupsAsync(ParquetSchema schema, ParquetOutColumn[] columns, Entry[] rows, Stream stream, CancellationToken cancellationToken)
    {
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, null, false, cancellationToken).ConfigureAwait(false);
        for (var start = 0; start < rows.Length || start == 0; start += _rowGroupSize)
        {
            var group = new ArraySegment<Entry>(rows, start, Math.Min(_rowGroupSize, rows.Length - start));
            using var groupWriter = writer.CreateRowGroup();
            foreach (var column in columns)
            {
                await column.WriteAsync(groupWriter, group, cancellationToken).ConfigureAwait(false);
            }

            groupWriter.CompleteValidate();
        }
    }
}
