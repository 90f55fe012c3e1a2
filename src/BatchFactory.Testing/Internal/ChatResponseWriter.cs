using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// Writes a chat completion (<c>chat.completion</c>), or for <c>stream: true</c> the same answer as server-sent
/// events: a content chunk, a <c>finish_reason</c> chunk, a usage chunk when asked for, then <c>[DONE]</c>.
/// </summary>
internal static class ChatResponseWriter
{
    private const string Fingerprint = "fp_batchfactory";

    /// <summary>Writes the <c>chat.completion</c> body (not streamed), e.g. into a batch output line.</summary>
    public static void WriteCompletion(Utf8JsonWriter writer, ChatRequest request, string reply, DateTimeOffset now) =>
        WriteCompletion(writer, Of(request, reply, now));

    public static Task WriteAsync(
        HttpResponse response, ChatRequest request, string reply, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var answer = Of(request, reply, now);
        if (!request.Stream)
        {
            return JsonOutput.SendAsync(response, "application/json", answer, static (writer, answer) => WriteCompletion(writer, answer), cancellationToken);
        }

        var body = new ArrayBufferWriter<byte>(768 + (reply.Length * 2));
        using (Utf8JsonWriter writer = JsonOutput.CreateWriter(body))
        {
            WriteEvent(body, writer, answer, ChunkPart.Content);
            WriteEvent(body, writer, answer, ChunkPart.Finish);
            if (request.IncludeUsage)
            {
                WriteEvent(body, writer, answer, ChunkPart.Usage);
            }
        }

        body.Write("data: [DONE]\n\n"u8);
        response.Headers.CacheControl = "no-cache";
        return JsonOutput.SendAsync(response, body, "text/event-stream", cancellationToken);
    }

    private static Answer Of(ChatRequest request, string reply, DateTimeOffset now) =>
        new(
            DeterministicContent.CompletionId(request.Info),
            now.ToUnixTimeSeconds(),
            request.Info.Model,
            reply,
            DeterministicContent.CountWords(request.Info.Messages),
            DeterministicContent.CountWords(reply));

    private static void WriteCompletion(Utf8JsonWriter writer, Answer answer)
    {
        writer.WriteStartObject();
        WriteHeader(writer, answer, "chat.completion");
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        writer.WriteString("content", answer.Reply);
        writer.WriteNull("refusal");
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", "stop");
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteUsage(writer, answer);
        writer.WriteEndObject();
    }

    private static void WriteEvent(ArrayBufferWriter<byte> body, Utf8JsonWriter writer, Answer answer, ChunkPart part)
    {
        body.Write("data: "u8);
        writer.Reset(body);
        writer.WriteStartObject();
        WriteHeader(writer, answer, "chat.completion.chunk");
        writer.WriteStartArray("choices");
        if (part != ChunkPart.Usage)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("delta");
            if (part == ChunkPart.Content)
            {
                writer.WriteString("role", "assistant");
                writer.WriteString("content", answer.Reply);
            }

            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            if (part == ChunkPart.Finish)
            {
                writer.WriteString("finish_reason", "stop");
            }
            else
            {
                writer.WriteNull("finish_reason");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (part == ChunkPart.Usage)
        {
            WriteUsage(writer, answer);
        }

        writer.WriteEndObject();
        writer.Flush();
        body.Write("\n\n"u8);
    }

    private static void WriteHeader(Utf8JsonWriter writer, Answer answer, string objectType)
    {
        writer.WriteString("id", answer.Id);
        writer.WriteString("object", objectType);
        writer.WriteNumber("created", answer.Created);
        writer.WriteString("model", answer.Model);
        writer.WriteString("system_fingerprint", Fingerprint);
    }

    private static void WriteUsage(Utf8JsonWriter writer, Answer answer)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", answer.PromptTokens);
        writer.WriteNumber("completion_tokens", answer.CompletionTokens);
        writer.WriteNumber("total_tokens", answer.PromptTokens + answer.CompletionTokens);
        writer.WriteEndObject();
    }

    private enum ChunkPart
    {
        Content,
        Finish,
        Usage,
    }

    private readonly record struct Answer(string Id, long Created, string Model, string Reply, int PromptTokens, int CompletionTokens);
}
