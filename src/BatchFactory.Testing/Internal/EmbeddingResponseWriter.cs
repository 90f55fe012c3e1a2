using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// Writes an embeddings answer: one deterministic unit vector per input, as a JSON array of floats or as base64 of
/// little-endian float32 values (<c>encoding_format=base64</c>, what the OpenAI .NET SDK asks for).
/// </summary>
internal static class EmbeddingResponseWriter
{
    public static Task WriteAsync(HttpResponse response, EmbeddingRequest request, CancellationToken cancellationToken)
    {
        return JsonOutput.SendAsync(response, "application/json", request, static (writer, request) => Write(writer, request), cancellationToken);
    }

    /// <summary>Writes the answer's body, e.g. into a batch output line.</summary>
    public static void Write(Utf8JsonWriter writer, EmbeddingRequest request)
    {
        int dimensions = request.Dimensions;
        float[] vector = ArrayPool<float>.Shared.Rent(dimensions);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(dimensions * sizeof(float));
        try
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (int i = 0; i < request.Inputs.Length; i++)
            {
                Span<float> values = vector.AsSpan(0, dimensions);
                DeterministicContent.FillUnitVector(request.Inputs[i], values);
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", i);
                writer.WritePropertyName("embedding");
                if (request.Base64)
                {
                    Span<byte> raw = bytes.AsSpan(0, dimensions * sizeof(float));
                    for (int d = 0; d < dimensions; d++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(raw[(d * sizeof(float))..], values[d]);
                    }

                    writer.WriteBase64StringValue(raw);
                }
                else
                {
                    writer.WriteStartArray();
                    foreach (float value in values)
                    {
                        writer.WriteNumberValue(value);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model", request.Model);
            int tokens = DeterministicContent.CountWords(request.Inputs);
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", tokens);
            writer.WriteNumber("total_tokens", tokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
