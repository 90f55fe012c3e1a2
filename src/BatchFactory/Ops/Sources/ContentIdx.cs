using System.Buffers;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>
/// Gives entries without an id a stable idx derived from their content: the 64-bit XXH3 hash of the data's
/// JSON text, as 16 hex digits. The same input gives the same idx on every run and machine. When two
/// items of one source have the same content, the second becomes <c>idx-2</c>, the third <c>idx-3</c>, in source order.
/// One instance serves one run of one source.
/// </summary>
internal sealed class ContentIdx
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;
    private readonly HashSet<ulong> _seen = [];
    private Dictionary<ulong, int>? _repeats;

    public ContentIdx() => _writer = new Utf8JsonWriter(_buffer);

    public string Next(JsonObject data)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        data.WriteTo(_writer);
        _writer.Flush();

        var key = XxHash3.HashToUInt64(_buffer.WrittenSpan);
        var idx = key.ToString("x16");
        if (_seen.Add(key))
        {
            return idx;
        }

        _repeats ??= [];
        var count = _repeats.TryGetValue(key, out var c) ? c + 1 : 2;
        _repeats[key] = count;
        return $"{idx}-{count}";
    }
}
