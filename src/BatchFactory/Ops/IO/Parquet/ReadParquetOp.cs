using System.Text.Json.Nodes;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using Parquet;

namespace BatchFactory.Operators;

/// <summary>
/// Reads a Parquet file row group by row group (one group in memory at a time): one entry per row, a field per column.
/// Primitive columns, lists of primitives and nulls are read; dates and times become ISO 8601 strings, binary base64.
/// </summary>
internal sealed class ReadParquetOp : AsyncSourceOp
{
    private readonly string _path;
    private readonly string[]? _columns;
    private readonly string? _idxKey;

    public ReadParquetOp(string path, string[]? columns, string? idxKey)
        : base("ReadParquet")
    {
        _path = FileChecks.Path(path, Kind, nameof(path));
        _columns = FileChecks.Keys(Kind, columns, nameof(columns));
        _idxKey = idxKey;
    }

    private protected override string Describe() =>
        FileChecks.Describe(_path, _columns) + (_idxKey is null ? string.Empty : $", idx from {_idxKey}");

    internal override ValueTask PrepareAsync(OpContext context)
    {
        FileChecks.FileExists(Kind, _path);
        return ValueTask.CompletedTask;
    }

    protected override async IAsyncEnumerable<Entry> ProduceAsync(OpContext context)
    {
        var idxs = new SourceIdx(Kind, _idxKey);
        await using var reader = await Guard(ParquetReader.CreateAsync(_path, null, context.Token)).ConfigureAwait(false);
        var columns = ParquetColumn.Of(reader.Schema, _columns, _path);
        var row = 0L;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            foreach (var data in await Guard(ReadGroupAsync(reader, group, columns, context.Token)).ConfigureAwait(false))
            {
                yield return new Entry(idxs.Next(data, $"row {row++}"), data);
            }
        }
    }

    private static async Task<JsonObject[]> ReadGroupAsync(ParquetReader reader, int index, List<ParquetColumn> columns, CancellationToken cancellationToken)
    {
        using var group = reader.OpenRowGroupReader(index);
        var rows = checked((int)group.RowCount);
        var data = new JsonObject[rows];
        for (var r = 0; r < rows; r++)
        {
            data[r] = [];
        }

        foreach (var column in columns)
        {
            using var raw = await group.ReadRawColumnDataBaseAsync(column.Data, cancellationToken).ConfigureAwait(false);
            var values = ParquetValues.Rows(raw, column, rows);
            for (var r = 0; r < rows; r++)
            {
                data[r][column.Name] = values[r];
            }
        }

        return data;
    }

    // Errors of the Parquet library (a corrupt or foreign file) name the file.
    private async Task<T> Guard<T>(Task<T> reading)
    {
        try
        {
            return await reading.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or InputFileException))
        {
            throw new InputFileException(_path, null, $"cannot read it as Parquet: {ex.Message}", ex);
        }
    }
}
