using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Cli;

/// <summary>
/// Reads what explain keeps of each ledger record (who asked the request and when, and a hash of each of its parts)
/// from the record's JSON text with a <see cref="Utf8JsonReader"/>, without building its nodes: a record read from a
/// ledger is parsed lazily, and building the nodes of a million requests would cost several times reading them.
/// </summary>
/// <remarks>
/// A part's hash is of its JSON text as stored; the library writes equal values as equal text, so equal parts hash
/// equally. One scanner reuses its buffer from record to record: use it from one thread.
/// </remarks>
internal sealed class RecordScanner : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly List<int> _messages = [];

    /// <summary>A scanner with an empty buffer.</summary>
    public RecordScanner() => _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    /// <summary>
    /// The op that asked <paramref name="record"/>'s request, when, and the request's signature; <see langword="null"/>
    /// when the record is not a model request's or was stored without its request (as <see cref="StoredRequest.Of"/>).
    /// </summary>
    public (string Op, string At, RequestSignature Signature)? Scan(LedgerRecord record)
    {
        if (!StoredRequest.IsModelKey(record.Key) || record.Value is not JsonObject value)
        {
            return null;
        }

        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        value.WriteTo(_writer);
        _writer.Flush();
        return Scan(record.Key, _buffer.WrittenSpan);
    }

    /// <summary>As <see cref="Scan(LedgerRecord)"/>, from the record's key and its value's JSON text.</summary>
    public (string Op, string At, RequestSignature Signature)? Scan(string key, ReadOnlySpan<byte> json)
    {
        if (!StoredRequest.IsModelKey(key) || json.IsEmpty || json[0] != (byte)'{')
        {
            return null;
        }

        var reader = new Utf8JsonReader(json);
        reader.Read();
        (string Op, string Idx, string At)? asked = null;
        int[]? parts = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("asked"u8))
            {
                reader.Read();
                asked = reader.TokenType == JsonTokenType.StartObject ? Asked(ref reader) : Skipped(ref reader, asked);
            }
            else if (reader.ValueTextEquals("request"u8))
            {
                reader.Read();
                parts = reader.TokenType == JsonTokenType.StartObject ? Parts(ref reader, json) : Skipped(ref reader, parts);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return asked is not var (op, idx, at) || parts is null
            ? null
            : (op, at, new RequestSignature(StoredRequest.BaseKey(key), idx, parts));
    }

    /// <summary>Releases the writer.</summary>
    public void Dispose() => _writer.Dispose();

    private static T Skipped<T>(ref Utf8JsonReader reader, T unchanged)
    {
        reader.Skip();
        return unchanged;
    }

    // {"op": …, "idx": …, "at": …}; the reader on its StartObject, left on its EndObject.
    private static (string Op, string Idx, string At) Asked(ref Utf8JsonReader reader)
    {
        string op = "", idx = "", at = "";
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("op"u8) ? 0 : reader.ValueTextEquals("idx"u8) ? 1 : reader.ValueTextEquals("at"u8) ? 2 : -1;
            reader.Read();
            var text = field < 0 ? Skipped(ref reader, "") : Text(ref reader);
            switch (field)
            {
                case 0: op = text; break;
                case 1: idx = text; break;
                case 2: at = text; break;
            }
        }

        return (op, idx, at);
    }

    // The text a node shows (a string's value, a number's digits), as the stored request's readers take it.
    private static string Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.StartObject or JsonTokenType.StartArray => Skipped(ref reader, ""),
        JsonTokenType.Null => "",
        _ => Encoding.UTF8.GetString(reader.ValueSpan),
    };

    // The request's parts, as RequestSignature orders them: model, settings (options and input), response format,
    // sample, then each message. The reader on the request's StartObject, left on its EndObject.
    private int[] Parts(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        int model = 0, settings = 0, format = 0, sample = 0;
        _messages.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueTextEquals("model"u8) ? 0
                : reader.ValueTextEquals("options"u8) || reader.ValueTextEquals("input"u8) ? 1
                : reader.ValueTextEquals("response_format"u8) ? 2
                : reader.ValueTextEquals("sample"u8) ? 3
                : reader.ValueTextEquals("messages"u8) ? 4
                : -1;
            reader.Read();
            if (name == 4 && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    _messages.Add(Hash(ref reader, json));
                }

                continue;
            }

            var hash = Hash(ref reader, json);
            switch (name)
            {
                case 0: model = hash; break;
                case 1: settings ^= hash; break;
                case 2: format = hash; break;
                case 3: sample = hash; break;
            }
        }

        return [model, settings, format, sample, .. _messages];
    }

    // The hash of the value the reader is on (its whole text); the reader left on the value's last token.
    private static int Hash(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var hash = default(HashCode);
        hash.AddBytes(json[start..(int)reader.BytesConsumed]);
        return hash.ToHashCode();
    }
}
