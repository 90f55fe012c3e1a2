using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>Writing JSON answers: one writer setting, and sending a finished body with its length.</summary>
internal static class JsonOutput
{
    // A body this large is not kept for the thread's next answer.
    private const int MaxKeptBody = 1 << 16;

    /// <summary>
    /// Relaxed escaping: '+' in base64 embeddings must stay '+' (the OpenAI SDK cannot read <c>\u002B</c>), and
    /// echoed non-ASCII text stays readable.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_body;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> body) => new(body, WriterOptions);

    /// <summary>
    /// Writes a JSON body with <paramref name="write"/> into this thread's buffer (no allocation per answer) and sends
    /// it with its length. The body is copied into the response before this returns, so the buffer is free again.
    /// </summary>
    public static Task SendAsync<TState>(HttpResponse response, string contentType, TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        var body = t_body ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= CreateWriter(body);
        body.ResetWrittenCount();
        writer.Reset(body);
        write(writer, state);
        writer.Flush();
        var sent = SendAsync(response, body, contentType, cancellationToken);
        if (body.Capacity > MaxKeptBody)
        {
            t_body = null;
            t_writer = null;
        }

        return sent;
    }

    /// <summary>Sends a finished body with its length; the body is copied into the response before this returns.</summary>
    public static Task SendAsync(HttpResponse response, ArrayBufferWriter<byte> body, string contentType, CancellationToken cancellationToken)
    {
        response.ContentType = contentType;
        response.ContentLength = body.WrittenCount;
        var pipe = response.BodyWriter;
        pipe.Write(body.WrittenSpan);
        var flushed = pipe.FlushAsync(cancellationToken);
        return flushed.IsCompletedSuccessfully ? Task.CompletedTask : flushed.AsTask();
    }
}
