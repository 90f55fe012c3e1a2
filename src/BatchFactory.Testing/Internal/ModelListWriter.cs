using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>Writes OpenAI's model list: <c>{"object":"list","data":[{"id","object":"model","created","owned_by"}]}</c>.</summary>
internal static class ModelListWriter
{
    public static Task WriteAsync(HttpResponse response, IReadOnlyList<string> models, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(64 + (models.Count * 96));
        using (Utf8JsonWriter writer = JsonOutput.CreateWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (string model in models)
            {
                writer.WriteStartObject();
                writer.WriteString("id", model);
                writer.WriteString("object", "model");
                writer.WriteNumber("created", now.ToUnixTimeSeconds());
                writer.WriteString("owned_by", "batchfactory-testing");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return JsonOutput.SendAsync(response, body, "application/json", cancellationToken);
    }
}
