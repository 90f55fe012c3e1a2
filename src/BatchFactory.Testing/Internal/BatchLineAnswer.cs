using System.Buffers;
using System.Text.Json;

namespace BatchFactory.Testing.Internal;

/// <summary>One line of a batch's output or error file, answered as the chat or embeddings endpoint would answer its body.</summary>
internal static class BatchLineAnswer
{
    /// <summary>
    /// The tokens the server counts for a line when it is enqueued: ⌈characters / 4⌉ of the messages' text (or the
    /// embedding input) plus <c>max_completion_tokens</c> (or <c>max_tokens</c>) when given.
    /// </summary>
    public static long EstimateTokens(JsonElement body)
    {
        long chars = 0;
        if (body.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    chars += content.GetString()!.Length;
                }
            }
        }
        else if (body.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.String)
        {
            chars += input.GetString()!.Length;
        }

        long output = body.TryGetProperty("max_completion_tokens", out var max) && max.TryGetInt64(out var m) ? m
            : body.TryGetProperty("max_tokens", out var old) && old.TryGetInt64(out var o) ? o : 0;
        return ((chars + 3) / 4) + output;
    }

    public static void Write(ArrayBufferWriter<byte> file, JsonElement line, BatchState batch, int index, bool fails, TestServerOptions options)
    {
        using (var writer = JsonOutput.CreateWriter(file))
        {
            writer.WriteStartObject();
            writer.WriteString("id", $"{batch.Id}_req_{index}");
            writer.WriteString("custom_id", line.GetProperty("custom_id").GetString());
            writer.WriteStartObject("response");
            writer.WriteNumber("status_code", fails ? 500 : 200);
            writer.WriteString("request_id", $"{batch.Id}_req_{index}");
            writer.WritePropertyName("body");
            if (fails)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("error");
                writer.WriteString("message", $"Scripted failure of line {index + 1} of {batch.Id}.");
                writer.WriteString("type", "server_error");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                WriteAnswer(writer, line.GetProperty("body"), batch, options);
            }

            writer.WriteEndObject();
            writer.WriteNull("error");
            writer.WriteEndObject();
        }

        file.Write("\n"u8);
    }

    private static void WriteAnswer(Utf8JsonWriter writer, JsonElement body, BatchState batch, TestServerOptions options)
    {
        if (batch.Endpoint.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            EmbeddingResponseWriter.Write(writer, EmbeddingRequest.Read(body, batch.Deployment, options.EmbeddingDimensions));
            return;
        }

        var chat = ChatRequest.Read(body, batch.Deployment);
        var reply = options.ChatResponder?.Invoke(chat.Info)
            ?? (chat.Info.JsonSchema is null ? DeterministicContent.EchoReply(chat.Info) : StructuredReply.Create(chat.Info, options.BadAnswers?.Invoke(chat.Info)));
        ChatResponseWriter.WriteCompletion(writer, chat, reply, options.TimeProvider.GetUtcNow());
    }
}
