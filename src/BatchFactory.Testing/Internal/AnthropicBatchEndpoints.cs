using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// Anthropic's Message Batches: <c>POST /v1/messages/batches</c> (create, with the requests inline), <c>GET</c> (list,
/// newest first, <c>limit</c> and <c>after_id</c>), <c>/{id}</c> (retrieve), <c>/{id}/results</c> (the JSONL results) and
/// <c>/{id}/cancel</c>. A batch takes at most <see cref="MaxRequests"/> requests and <see cref="MaxBytes"/> bytes, each
/// with a unique <c>custom_id</c> of 1 to 64 letters, digits, <c>_</c> or <c>-</c>. Batches live in the same
/// <see cref="BatchStore"/> as OpenAI's, so the same settings script them; cancelling ends a batch at once.
/// </summary>
internal sealed partial class AnthropicBatchEndpoints(BatchStore store)
{
    /// <summary>The most requests in one message batch.</summary>
    public const int MaxRequests = 100_000;

    /// <summary>The most bytes of one create request (256 MB).</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    private const string Prefix = "/v1/messages/batches";

    /// <summary>Answers the request if it is for a message batches path; false otherwise.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context, string path, CancellationToken cancellationToken)
    {
        if (!path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string[] parts = path[Prefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        string method = context.Request.Method;
        try
        {
            await (parts switch
            {
                [] when HttpMethods.IsPost(method) => CreateAsync(context, cancellationToken),
                [] when HttpMethods.IsGet(method) => ListAsync(context, cancellationToken),
                [var id] when HttpMethods.IsGet(method) => SendAsync(context, id, store.Batch(id), cancellationToken),
                [var id, "results"] when HttpMethods.IsGet(method) => ResultsAsync(context, id, cancellationToken),
                [var id, "cancel"] when HttpMethods.IsPost(method) => SendAsync(context, id, store.Cancel(id), cancellationToken),
                _ => MessagesResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, $"No {method} endpoint at '{path}'.", null, cancellationToken),
            }).ConfigureAwait(false);
        }
        catch (BadRequestException e)
        {
            await MessagesResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, e.Message, null, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task CreateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes + 1;
        }

        if (context.Request.ContentLength > MaxBytes)
        {
            await MessagesResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status413PayloadTooLarge, $"A message batch may be at most {MaxBytes} bytes.", null, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var document = await JsonBody.ParseAsync(context.Request, cancellationToken).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("requests", out var requests) || requests.ValueKind != JsonValueKind.Array || requests.GetArrayLength() == 0)
        {
            throw new BadRequestException("requests: a non-empty list is required.");
        }

        if (requests.GetArrayLength() > MaxRequests)
        {
            throw new BadRequestException($"requests: a message batch may hold at most {MaxRequests} requests, not {requests.GetArrayLength()}.");
        }

        var lines = new ArrayBufferWriter<byte>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var request in requests.EnumerateArray())
        {
            var id = request.TryGetProperty("custom_id", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
            if (!CustomId().IsMatch(id))
            {
                throw new BadRequestException($"requests.{index}.custom_id: '{id}' must be 1 to 64 letters, digits, '_' or '-'.");
            }

            if (!ids.Add(id))
            {
                throw new BadRequestException($"requests.{index}.custom_id: '{id}' is used by more than one request.");
            }

            if (!request.TryGetProperty("params", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
            {
                throw new BadRequestException($"requests.{index}.params: Field required");
            }

            _ = MessagesRequest.Read(parameters);
            using (var writer = JsonOutput.CreateWriter(lines))
            {
                request.WriteTo(writer);
            }

            lines.Write("\n"u8);
            index++;
        }

        var fileId = store.AddFile(lines.WrittenSpan.ToArray(), "message_batch_requests.jsonl", "message_batch");
        await SendAsync(context, fileId, store.Create(fileId, AnthropicBatchLine.Endpoint, deployment: null), cancellationToken).ConfigureAwait(false);
    }

    private Task ListAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) && l is >= 1 and <= 1000 ? l : 20;
        var (page, more) = store.Page(messageBatches: true, query["after_id"].ToString(), limit);
        return BatchEndpoints.SendAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("data");
            foreach (var batch in page)
            {
                WriteBatch(writer, context.Request, batch);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("has_more", more);
            BatchEndpoints.WriteOptional(writer, "first_id", page.FirstOrDefault()?.Id);
            BatchEndpoints.WriteOptional(writer, "last_id", page.LastOrDefault()?.Id);
            writer.WriteEndObject();
        }, cancellationToken);
    }

    private async Task ResultsAsync(HttpContext context, string id, CancellationToken cancellationToken)
    {
        if (store.Batch(id) is not { IsMessageBatch: true, OutputFileId: { } results } || store.File(results) is not { } file)
        {
            await MessagesResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, $"No results for message batch '{id}' (it does not exist or has not ended).", null, cancellationToken).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/x-jsonl";
        context.Response.ContentLength = file.Length;
        var stream = file.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(context.Response.Body, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task SendAsync(HttpContext context, string id, BatchState? batch, CancellationToken cancellationToken) =>
        batch is not { IsMessageBatch: true }
            ? MessagesResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, $"No such message batch: '{id}'.", null, cancellationToken)
            : BatchEndpoints.SendAsync(context, writer => WriteBatch(writer, context.Request, batch), cancellationToken);

    // The batch in Anthropic's shape: processing_status in_progress until it is done (canceling never lasts here), then
    // ended, with request_counts and the results_url.
    private static void WriteBatch(Utf8JsonWriter writer, HttpRequest request, BatchState batch)
    {
        var ended = batch.IsDone;
        writer.WriteStartObject();
        writer.WriteString("id", batch.Id);
        writer.WriteString("type", "message_batch");
        writer.WriteString("processing_status", ended ? "ended" : "in_progress");
        writer.WriteStartObject("request_counts");
        writer.WriteNumber("processing", ended ? 0 : batch.Lines);
        writer.WriteNumber("succeeded", batch.Completed);
        writer.WriteNumber("errored", batch.Failed);
        writer.WriteNumber("canceled", batch.Status == "cancelled" ? batch.Unanswered : 0);
        writer.WriteNumber("expired", batch.Status == "expired" ? batch.Unanswered : 0);
        writer.WriteEndObject();
        writer.WriteString("created_at", batch.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteString("expires_at", batch.Created.AddHours(24).UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        BatchEndpoints.WriteOptional(writer, "ended_at", ended ? batch.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : null);
        writer.WriteNull("archived_at");
        BatchEndpoints.WriteOptional(writer, "cancel_initiated_at", batch.Status == "cancelled" ? batch.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : null);
        BatchEndpoints.WriteOptional(writer, "results_url", ended ? $"{request.Scheme}://{request.Host}{Prefix}/{batch.Id}/results" : null);
        writer.WriteEndObject();
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex CustomId();
}
