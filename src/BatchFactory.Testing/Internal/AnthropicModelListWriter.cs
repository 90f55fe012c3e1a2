using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// Writes a page of Anthropic's model list: <c>{"data":[{"type":"model","id","display_name","created_at"}],"has_more",
/// "first_id","last_id"}</c>. Pages as Anthropic does: <c>limit</c> (default 20, at most 1,000) models after the id
/// <c>after_id</c> names (or before <c>before_id</c>).
/// </summary>
internal static class AnthropicModelListWriter
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 1000;

    /// <summary>Whether <paramref name="request"/> comes from an Anthropic client (which sends <c>anthropic-version</c>).</summary>
    public static bool IsAnthropic(HttpRequest request) => request.Headers.ContainsKey("anthropic-version");

    public static Task WriteAsync(HttpResponse response, IQueryCollection query, IReadOnlyList<string> models, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? Math.Clamp(asked, 1, MaxLimit) : DefaultLimit;
        var before = query.ContainsKey("before_id") && !query.ContainsKey("after_id");
        int start, end;
        if (before)
        {
            end = IndexOf(models, query["before_id"]!) is var at and >= 0 ? at : models.Count;
            start = Math.Max(0, end - limit);
        }
        else
        {
            start = query.ContainsKey("after_id") ? IndexOf(models, query["after_id"]!) + 1 : 0;
            end = Math.Min(models.Count, start + limit);
        }

        var body = new ArrayBufferWriter<byte>(64 + ((end - start) * 128));
        using (Utf8JsonWriter writer = JsonOutput.CreateWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("data");
            for (var i = start; i < end; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "model");
                writer.WriteString("id", models[i]);
                writer.WriteString("display_name", models[i]);
                writer.WriteString("created_at", now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteBoolean("has_more", before ? start > 0 : end < models.Count);
            WriteId(writer, "first_id", start < end ? models[start] : null);
            WriteId(writer, "last_id", start < end ? models[end - 1] : null);
            writer.WriteEndObject();
        }

        return JsonOutput.SendAsync(response, body, "application/json", cancellationToken);
    }

    // An id the list does not have pages from its start (after) or its end (before).
    private static int IndexOf(IReadOnlyList<string> models, string id)
    {
        for (var i = 0; i < models.Count; i++)
        {
            if (models[i] == id)
            {
                return i;
            }
        }

        return -1;
    }

    private static void WriteId(Utf8JsonWriter writer, string name, string? id)
    {
        if (id is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, id);
        }
    }
}
