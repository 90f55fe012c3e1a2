using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;

namespace BatchFactory.Operators;

/// <summary>
/// Writes entries as CSV (RFC 4180, UTF-8, a header row), in stream order: a column per field, the listed ones or every
/// field seen in any entry in order of first appearance. Missing and null values are empty fields; strings are
/// written as they are, numbers and booleans in JSON notation, lists and objects as their JSON text.
/// </summary>
internal sealed class WriteCsvOp : WriterOp
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string[]? _keys;
    private readonly char _separator;

    public WriteCsvOp(string path, string[]? keys, char separator)
        : base("WriteCsv", FileChecks.Path(path, "WriteCsv", nameof(path)))
    {
        _keys = FileChecks.Keys(Kind, keys, nameof(keys));
        _separator = separator;
    }

    private protected override string Describe() => FileChecks.Describe(Path, _keys);

    protected override Task WriteAsync(IReadOnlyList<Entry> entries, AtomicFiles files, CancellationToken cancellationToken)
    {
        var columns = _keys ?? [.. entries.SelectMany(e => e.Data.Select(p => p.Key)).Distinct(StringComparer.Ordinal)];
        return files.WriteAsync(Path, (stream, token) => WriteRowsAsync(entries, columns, stream, token), cancellationToken);
    }

    private async Task WriteRowsAsync(IReadOnlyList<Entry> entries, string[] columns, Stream stream, CancellationToken cancellationToken)
    {
        await using var writer = CsvWriter.Create(stream, new CsvWriterOptions { Separator = _separator }, leaveOpen: true);
        writer.WriteHeader(columns);
        foreach (var entry in entries)
        {
            foreach (var column in columns)
            {
                writer.WriteField(Text(entry.Data.TryGetPropertyValue(column, out var value) ? value : null));
            }

            await writer.EndRecordAsync(cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string? Text(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => null,
        JsonValueKind.String => value.GetValue<string>(),
        _ => value.ToJsonString(Readable),
    };
}
