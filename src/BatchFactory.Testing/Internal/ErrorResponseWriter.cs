using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>Writes OpenAI-style error answers: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal static class ErrorResponseWriter
{
    public static Task WriteAsync(
        HttpResponse response, int statusCode, string message, int? retryAfterSeconds, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            response.Headers["retry-after-ms"] = (seconds * 1000L).ToString(CultureInfo.InvariantCulture);
        }

        var (type, code) = statusCode switch
        {
            429 => ("requests", "rate_limit_exceeded"),
            404 => ("invalid_request_error", "not_found"),
            >= 500 => ("server_error", "server_error"),
            _ => ("invalid_request_error", "invalid_request"),
        };
        var body = new ArrayBufferWriter<byte>(256 + message.Length);
        using (Utf8JsonWriter writer = JsonOutput.CreateWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", type);
            writer.WriteNull("param");
            writer.WriteString("code", code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return JsonOutput.SendAsync(response, body, "application/json", cancellationToken);
    }
}
