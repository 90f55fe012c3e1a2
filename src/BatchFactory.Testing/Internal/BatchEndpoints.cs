using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// The files and batches endpoints: <c>/v1/files</c> (upload; <c>/{id}</c> metadata; <c>/{id}/content</c>) and
/// <c>/v1/batches</c> (create, list; <c>/{id}</c> retrieve; <c>/{id}/cancel</c>), and the same under Azure OpenAI's
/// <c>/openai/</c>, where the <c>api-version</c> query parameter is required, a file starting with a UTF-8 byte-order
/// mark is rejected, and a batch whose lines name more than one model (deployment) fails validation with
/// <c>model_mismatch</c>, as Azure does. A batch keeps the <c>metadata</c> it was created with (at most 16 pairs); the
/// list is newest first, in pages (<c>limit</c>, <c>after</c>).
/// </summary>
internal sealed class BatchEndpoints(BatchStore store)
{
    /// <summary>Answers the request if it is for a files or batches path; false otherwise.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context, string path, CancellationToken cancellationToken)
    {
        bool azure = path.StartsWith("/openai/", StringComparison.OrdinalIgnoreCase);
        string rest = azure ? path["/openai".Length..] : path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase) ? path["/v1".Length..] : string.Empty;
        string[] parts = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] is not ("files" or "batches"))
        {
            return false;
        }

        string method = context.Request.Method;
        long started = Stopwatch.GetTimestamp();
        try
        {
            if (azure && string.IsNullOrEmpty(context.Request.Query["api-version"]))
            {
                throw new BadRequestException("Azure OpenAI needs the query parameter 'api-version' (e.g. 2024-10-21).");
            }

            await (parts switch
            {
                ["files"] when HttpMethods.IsPost(method) => UploadAsync(context, azure, cancellationToken),
                ["files", var id] when HttpMethods.IsGet(method) => FileAsync(context, id, content: false, cancellationToken),
                ["files", var id, "content"] when HttpMethods.IsGet(method) => FileAsync(context, id, content: true, cancellationToken),
                ["batches"] when HttpMethods.IsPost(method) => CreateAsync(context, azure, cancellationToken),
                ["batches"] when HttpMethods.IsGet(method) => ListAsync(context, cancellationToken),
                ["batches", var id] when HttpMethods.IsGet(method) => SendBatchAsync(context, id, store.Batch(id), cancellationToken),
                ["batches", var id, "cancel"] when HttpMethods.IsPost(method) => SendBatchAsync(context, id, store.Cancel(id), cancellationToken),
                _ => ErrorResponseWriter.WriteAsync(context.Response, StatusCodes.Status404NotFound, $"No {method} endpoint at '{path}'.", null, cancellationToken),
            }).ConfigureAwait(false);
        }
        catch (BadRequestException e)
        {
            await ErrorResponseWriter.WriteAsync(context.Response, StatusCodes.Status400BadRequest, e.Message, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            store.Worked(Stopwatch.GetElapsedTime(started));
        }

        return true;
    }

    private async Task UploadAsync(HttpContext context, bool azure, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        if (!context.Request.HasFormContentType)
        {
            throw new BadRequestException("Upload a file as multipart/form-data with fields 'purpose' and 'file'.");
        }

        var form = await context.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = long.MaxValue }, cancellationToken).ConfigureAwait(false);
        var file = form.Files["file"] ?? throw new BadRequestException("The upload needs a 'file' part.");
        var purpose = form["purpose"].ToString();
        var content = file.OpenReadStream();
        string id;
        long length;
        await using (content.ConfigureAwait(false))
        {
            var start = new byte[3];
            if (azure && await content.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) == start.Length
                && start.AsSpan().SequenceEqual((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                throw new BadRequestException("The file starts with a UTF-8 byte-order mark, which Azure OpenAI rejects; write it with new UTF8Encoding(false).");
            }

            content.Position = 0;
            (id, length) = await store.AddFileAsync(content, file.FileName, purpose, cancellationToken).ConfigureAwait(false);
        }

        if (azure)
        {
            store.MarkPending(id);
        }

        var pending = store.Pending(id, read: false);
        await SendAsync(context, writer => WriteFile(writer, id, length, file.FileName, purpose, pending), cancellationToken).ConfigureAwait(false);
    }

    private async Task FileAsync(HttpContext context, string id, bool content, CancellationToken cancellationToken)
    {
        if (store.File(id) is not { } file)
        {
            await ErrorResponseWriter.WriteAsync(context.Response, StatusCodes.Status404NotFound, $"No such file: '{id}'.", null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (content)
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = file.Length;
            var stream = file.OpenRead();
            await using (stream.ConfigureAwait(false))
            {
                await stream.CopyToAsync(context.Response.Body, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var pending = store.Pending(id, read: true);
        await SendAsync(context, writer => WriteFile(writer, id, file.Length, file.Name, file.Purpose, pending), cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context, bool azure, CancellationToken cancellationToken)
    {
        using var document = await JsonBody.ParseAsync(context.Request, cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        var fileId = Text(root, "input_file_id") ?? throw new BadRequestException("A batch needs 'input_file_id'.");
        var endpoint = Text(root, "endpoint") ?? throw new BadRequestException("A batch needs 'endpoint'.");
        if (endpoint is not ("/v1/chat/completions" or "/v1/embeddings" or "/chat/completions" or "/embeddings"))
        {
            throw new BadRequestException($"This test server batches '/v1/chat/completions' and '/v1/embeddings', not '{endpoint}'.");
        }

        if (Text(root, "completion_window") != "24h")
        {
            throw new BadRequestException("'completion_window' must be \"24h\".");
        }

        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object && metadata.EnumerateObject().Count() > 16)
        {
            throw new BadRequestException("'metadata' may hold at most 16 pairs.");
        }

        if (azure && store.Pending(fileId, read: false))
        {
            throw new BadRequestException($"Only files with status 'Processed' are accepted; file '{fileId}' is 'pending'.");
        }

        var batch = store.Create(fileId, endpoint, deployment: null, oneModel: azure);
        if (batch is not null && metadata.ValueKind == JsonValueKind.Object)
        {
            batch.Metadata = metadata.GetRawText();
        }

        await SendBatchAsync(context, fileId, batch, cancellationToken).ConfigureAwait(false);
    }

    // Newest first, in pages of `limit` (default 20) after the batch `after`, as OpenAI lists them.
    private Task ListAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], System.Globalization.CultureInfo.InvariantCulture, out var l) && l is >= 1 and <= 100 ? l : 20;
        var (page, more) = store.Page(messageBatches: false, query["after"].ToString(), limit);
        return SendAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var batch in page)
            {
                WriteBatch(writer, batch);
            }

            writer.WriteEndArray();
            WriteOptional(writer, "first_id", page.FirstOrDefault()?.Id);
            WriteOptional(writer, "last_id", page.LastOrDefault()?.Id);
            writer.WriteBoolean("has_more", more);
            writer.WriteEndObject();
        }, cancellationToken);
    }

    private static Task SendBatchAsync(HttpContext context, string id, BatchState? batch, CancellationToken cancellationToken) =>
        batch is null
            ? ErrorResponseWriter.WriteAsync(context.Response, StatusCodes.Status404NotFound, $"No such batch or file: '{id}'.", null, cancellationToken)
            : SendAsync(context, writer => WriteBatch(writer, batch), cancellationToken);

    private static void WriteBatch(Utf8JsonWriter writer, BatchState batch)
    {
        writer.WriteStartObject();
        writer.WriteString("id", batch.Id);
        writer.WriteString("object", "batch");
        writer.WriteString("endpoint", batch.Endpoint);
        if (batch.ErrorCode is null)
        {
            writer.WriteNull("errors");
        }
        else
        {
            writer.WriteStartObject("errors");
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            writer.WriteStartObject();
            writer.WriteString("code", batch.ErrorCode);
            writer.WriteString("message", batch.ErrorMessage);
            writer.WriteNull("param");
            writer.WriteNull("line");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteString("input_file_id", batch.InputFileId);
        writer.WriteString("completion_window", "24h");
        writer.WriteString("status", batch.Status);
        WriteOptional(writer, "output_file_id", batch.OutputFileId);
        WriteOptional(writer, "error_file_id", batch.ErrorFileId);
        writer.WriteNumber("created_at", batch.Created.ToUnixTimeSeconds());
        writer.WriteStartObject("request_counts");
        writer.WriteNumber("total", batch.Lines);
        writer.WriteNumber("completed", batch.Completed);
        writer.WriteNumber("failed", batch.Failed);
        writer.WriteEndObject();
        if (batch.Metadata is null)
        {
            writer.WriteNull("metadata");
        }
        else
        {
            writer.WritePropertyName("metadata");
            writer.WriteRawValue(batch.Metadata);
        }

        writer.WriteEndObject();
    }

    private static void WriteFile(Utf8JsonWriter writer, string id, long bytes, string name, string purpose, bool pending)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "file");
        writer.WriteNumber("bytes", bytes);
        writer.WriteNumber("created_at", 0);
        writer.WriteString("filename", name);
        writer.WriteString("purpose", purpose);
        writer.WriteString("status", pending ? "pending" : "processed");
        writer.WriteEndObject();
    }

    /// <summary>Writes <paramref name="value"/>, or null.</summary>
    internal static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>Sends the JSON <paramref name="write"/> writes.</summary>
    internal static Task SendAsync(HttpContext context, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(1024);
        using (var writer = JsonOutput.CreateWriter(body))
        {
            write(writer);
        }

        return JsonOutput.SendAsync(context.Response, body, "application/json", cancellationToken);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
