using System.Buffers;
using System.Text.Json;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// One result line of an Anthropic message batch: <c>{"custom_id","result":{"type":"succeeded","message":…}}</c>, or
/// <c>errored</c> with an error, or <c>expired</c> / <c>canceled</c> for a request the batch did not get to.
/// </summary>
internal static class AnthropicBatchLine
{
    /// <summary>The endpoint the server files message batches under (they are not uploaded files).</summary>
    public const string Endpoint = "/v1/messages";

    /// <summary>Writes the result of an answered (or, when <paramref name="fails"/>, errored) request.</summary>
    public static void Write(ArrayBufferWriter<byte> file, JsonElement line, BatchState batch, int index, bool fails, TestServerOptions options)
    {
        using (var writer = JsonOutput.CreateWriter(file))
        {
            writer.WriteStartObject();
            writer.WriteString("custom_id", line.GetProperty("custom_id").GetString());
            writer.WriteStartObject("result");
            if (fails)
            {
                writer.WriteString("type", "errored");
                writer.WriteStartObject("error");
                writer.WriteString("type", "error");
                writer.WriteStartObject("error");
                writer.WriteString("type", "api_error");
                writer.WriteString("message", $"Scripted failure of request {index + 1} of {batch.Id}.");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                var chat = MessagesRequest.Read(line.GetProperty("params"));
                writer.WriteString("type", "succeeded");
                writer.WritePropertyName("message");
                MessagesResponseWriter.WriteMessage(writer, chat, options.ChatResponder?.Invoke(chat) ?? DeterministicContent.EchoReply(chat));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        file.Write("\n"u8);
    }

    /// <summary>Writes the result of a request the batch did not get to: <paramref name="type"/> is <c>expired</c> or <c>canceled</c>.</summary>
    public static void WriteUnanswered(ArrayBufferWriter<byte> file, JsonElement line, string type)
    {
        using (var writer = JsonOutput.CreateWriter(file))
        {
            writer.WriteStartObject();
            writer.WriteString("custom_id", line.GetProperty("custom_id").GetString());
            writer.WriteStartObject("result");
            writer.WriteString("type", type);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        file.Write("\n"u8);
    }
}
