using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>A reusable UTF-8 buffer that serialises one value at a time; one instance serves one run of one source.</summary>
internal sealed class JsonScratch
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;

    public JsonScratch() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>Serialises <paramref name="value"/> with the entry serializer options; the span is valid until the next call.</summary>
    /// <exception cref="ArgumentException">The value cannot be stored as JSON.</exception>
    public ReadOnlySpan<byte> Write<T>(T value)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        try
        {
            if (value is JsonNode node)
            {
                node.WriteTo(_writer);
            }
            else
            {
                JsonSerializer.Serialize(_writer, value, JsonFieldCodec.Options.GetTypeInfo(value?.GetType() ?? typeof(T)));
            }
        }
        catch (Exception ex) when (value is not null && JsonFieldCodec.IsSerializationError(ex))
        {
            throw JsonFieldCodec.NotJson(value, ex);
        }

        _writer.Flush();
        return _buffer.WrittenSpan;
    }
}
