using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>Writes Anthropic Messages API answers and errors.</summary>
internal static class MessagesResponseWriter
{
    public static Task WriteAsync(HttpResponse response, ChatRequestInfo request, string reply, CancellationToken cancellationToken)
    {
        return JsonOutput.SendAsync(response, "application/json", (request, reply), static (writer, answer) => WriteMessage(writer, answer.request, answer.reply), cancellationToken);
    }

    /// <summary>A message object: the answer to <paramref name="request"/>, with its usage in words.</summary>
    public static void WriteMessage(Utf8JsonWriter writer, ChatRequestInfo request, string reply)
    {
        writer.WriteStartObject();
        writer.WriteString("id", "msg_" + DeterministicContent.CompletionId(request));
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteString("model", request.Model);
        writer.WriteStartArray("content");
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", reply);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("stop_reason", "end_turn");
        writer.WriteNull("stop_sequence");
        writer.WriteStartObject("usage");
        writer.WriteNumber("input_tokens", DeterministicContent.CountWords(request.Messages));
        writer.WriteNumber("output_tokens", DeterministicContent.CountWords(reply));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>An error as the Messages API sends it: <c>{"type":"error","error":{"type","message"}}</c>, with <c>retry-after</c> when given.</summary>
    public static Task WriteErrorAsync(HttpResponse response, int statusCode, string message, int? retryAfterSeconds, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var type = statusCode switch
        {
            400 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            529 => "overloaded_error",
            _ => "api_error",
        };
        var body = new ArrayBufferWriter<byte>(128 + message.Length);
        using (Utf8JsonWriter writer = JsonOutput.CreateWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteStartObject("error");
            writer.WriteString("type", type);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return JsonOutput.SendAsync(response, body, "application/json", cancellationToken);
    }
}
