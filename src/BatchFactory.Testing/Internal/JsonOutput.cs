using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>Writing JSON answers: one writer setting, and sending a finished body with its length.</summary>
internal static class JsonOutput
{
    /// <summary>
    /// Relaxed escaping: '+' in base64 embeddings must stay '+' (the OpenAI SDK cannot read <c>\u002B</c>), and
    /// echoed non-ASCII text stays readable.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> body) => new(body, WriterOptions);

    public static Task SendAsync(HttpResponse response, ArrayBufferWriter<byte> body, string contentType, CancellationToken cancellationToken)
    {
        response.ContentType = contentType;
        response.ContentLength = body.WrittenCount;
        return response.Body.WriteAsync(body.WrittenMemory, cancellationToken).AsTask();
    }
}
