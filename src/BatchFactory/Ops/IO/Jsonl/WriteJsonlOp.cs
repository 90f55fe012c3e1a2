using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BatchFactory.Operators;

/// <summary>Writes each entry's fields (all of them, or the listed ones) as one JSON object per line, in stream order.</summary>
internal sealed class WriteJsonlOp : WriterOp
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string[]? _keys;
    private readonly string? _idxKey;

    public WriteJsonlOp(string path, string[]? keys, string? idxKey)
        : base("WriteJsonl", FileChecks.Path(path, "WriteJsonl", nameof(path)))
    {
        _keys = FileChecks.Keys(Kind, keys, nameof(keys));
        _idxKey = idxKey;
    }

    private protected override string Describe() =>
        FileChecks.Describe(Path, _keys) + (_idxKey is null ? string.Empty : $", idx as {_idxKey}");

    protected override Task WriteAsync(IReadOnlyList<Entry> entries, AtomicFiles files, CancellationToken cancellationToken) =>
        files.WriteAsync(Path, (stream, token) => WriteLinesAsync(entries, stream, token), cancellationToken);

    private async Task WriteLinesAsync(IReadOnlyList<Entry> entries, Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        await using var writer = new Utf8JsonWriter(buffer, Options);
        foreach (var entry in entries)
        {
            writer.Reset(buffer);
            WriteObject(entry, writer);
            writer.Flush();
            buffer.GetSpan(1)[0] = (byte)'\n';
            buffer.Advance(1);
            if (buffer.WrittenCount >= 60 * 1024)
            {
                await stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }
        }

        await stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    private void WriteObject(Entry entry, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (_idxKey is not null)
        {
            writer.WriteString(_idxKey, entry.Idx);
        }

        foreach (var key in _keys ?? (IEnumerable<string>)entry.Data.Select(p => p.Key))
        {
            if (key == _idxKey)
            {
                continue;
            }

            if (!entry.Data.TryGetPropertyValue(key, out var value))
            {
                throw entry.MissingField(key);
            }

            writer.WritePropertyName(key);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}
