using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages.Batches;

namespace BatchFactory.Brokers;

/// <summary>
/// Anthropic's Message Batches through the Anthropic SDK (<c>client.Messages.Batches</c>): a batch is created in one
/// request with its requests inline (<c>{custom_id, params}</c>, the params as the SDK's Microsoft.Extensions.AI adapter
/// sends a live call), polled by <c>processing_status</c>, and its results streamed as JSONL. Up to
/// <see cref="BatchOptions.AnthropicMaxRequests"/> requests and <see cref="BatchOptions.AnthropicMaxBytes"/> a batch.
/// A request's <c>custom_id</c> is its key's hash (Anthropic allows 64 letters, digits, <c>_</c> or <c>-</c>); its
/// answer is stored under the key, as a live answer is. The create is sent by <paramref name="creator"/> (no retries: a
/// create retried after a timeout could make a second paid batch); the rest by <paramref name="client"/>, which retries.
/// </summary>
internal sealed class AnthropicBatchApi(AnthropicClient client, AnthropicClient creator, HttpClient http, string model, int defaultMaxTokens) : IBatchApi
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly IReadOnlyDictionary<string, JsonElement> None = new Dictionary<string, JsonElement>();

    // The requests of the create the SDK is asked for: none, as AnthropicBatchBody streams them from the file.
    private static readonly JsonElement NoRequests = JsonDocument.Parse("[]").RootElement;

    /// <inheritdoc/>
    public int MaxRequestsPerFile => BatchOptions.AnthropicMaxRequests;

    /// <inheritdoc/>
    public long MaxBytesPerFile => BatchOptions.AnthropicMaxBytes;

    /// <summary>Writes <c>{"custom_id","params"}</c>: the Messages API request a live call of the same request sends.</summary>
    /// <exception cref="ArgumentException">The request is not a chat request (Anthropic has no embeddings).</exception>
    public void WriteRequest(Stream stream, ModelRequest request)
    {
        if (request is not ChatCall chat)
        {
            throw new ArgumentException($"An Anthropic message batch holds chat requests, not a {request.GetType().Name}.", nameof(request));
        }

        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("custom_id", CustomId(request.Key));
            writer.WritePropertyName("params");
            AnthropicParams.Write(writer, chat.Request, model, defaultMaxTokens);
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
    }

    /// <summary>
    /// Creates the message batch with the file's requests inline (<c>endpoint</c> is not needed: chat only), streamed
    /// from the file as the create is sent (<see cref="AnthropicBatchBody"/>): the batch is never held in memory. Message
    /// batches have no metadata: <paramref name="submission"/> is not sent (see <see cref="FindAsync"/>).
    /// </summary>
    public async Task<BatchInfo> SubmitAsync(string path, string endpoint, string submission, CancellationToken cancellationToken)
    {
        var parameters = BatchCreateParams.FromRawUnchecked(None, None, new Dictionary<string, JsonElement> { ["requests"] = NoRequests });
        AnthropicBatchBody.File = path;
        try
        {
            var batch = await creator.Messages.Batches.Create(parameters, cancellationToken).ConfigureAwait(false);
            return Info(batch.RawData);
        }
        finally
        {
            AnthropicBatchBody.File = null;
        }
    }

    /// <inheritdoc/>
    public async Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        try
        {
            var batch = await client.Messages.Batches.Retrieve(batchId, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Info(batch.RawData);
        }
        catch (AnthropicNotFoundException ex)
        {
            throw new BatchNotFoundException(batchId, ex);
        }
    }

    /// <summary>
    /// A guess, as message batches carry no metadata: the one batch, not in <paramref name="known"/>, created from
    /// <see cref="BatchInfo.ClockSkew"/> before <paramref name="since"/> to as long after it, with exactly
    /// <paramref name="requests"/> requests. Its results are matched to requests by <c>custom_id</c>, and a request it
    /// turns out not to hold is submitted again.
    /// </summary>
    /// <exception cref="AmbiguousBatchException">More than one such batch: taking either could pay for every request twice.</exception>
    public async Task<BatchInfo?> FindAsync(string submission, int requests, DateTimeOffset since, IReadOnlySet<string> known, CancellationToken cancellationToken)
    {
        var candidates = new List<BatchInfo>();
        var page = await client.Messages.Batches.List(new BatchListParams { Limit = 100 }, cancellationToken).ConfigureAwait(false);
        await foreach (var batch in page.Paginate(cancellationToken).ConfigureAwait(false))
        {
            var raw = batch.RawData;
            if (!raw.TryGetValue("created_at", out var at) || at.ValueKind != JsonValueKind.String || !at.TryGetDateTimeOffset(out var created))
            {
                continue;
            }

            if (created < since - BatchInfo.ClockSkew)
            {
                break;
            }

            var info = Info(raw);
            if ((created - since).Duration() <= BatchInfo.ClockSkew && !known.Contains(info.Id) && Total(raw) == requests)
            {
                candidates.Add(info);
            }
        }

        return candidates.Count switch
        {
            0 => null,
            1 => candidates[0],
            _ => throw new AmbiguousBatchException($"{candidates.Count} unrecorded message batches of {requests} requests were created within {BatchInfo.ClockSkew.TotalMinutes:0} minutes of submission '{submission}' ({string.Join(", ", candidates.Select(c => c.Id))}); none is taken up."),
        };
    }

    /// <summary>The results of the message batch <paramref name="fileId"/> (its id: see <see cref="Info"/>), one JSONL line per request.</summary>
    public async Task<ReadOnlyMemory<byte>> DownloadAsync(string fileId, CancellationToken cancellationToken)
    {
        var content = new ArrayBufferWriter<byte>();
        await foreach (var result in client.Messages.Batches.ResultsStreaming(fileId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            using (var writer = new Utf8JsonWriter(content, WriterOptions))
            {
                writer.WriteStartObject();
                foreach (var (name, value) in result.RawData)
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            content.Write("\n"u8);
        }

        return content.WrittenMemory;
    }

    /// <summary>
    /// Reads <c>{"custom_id","result":{"type",…}}</c>: <c>succeeded</c> gives the answer as the live adapter reads a
    /// message (text blocks joined; <c>end_turn</c>/<c>stop_sequence</c> → <c>stop</c>, <c>max_tokens</c> →
    /// <c>length</c>, <c>tool_use</c> → <c>tool_calls</c>, <c>refusal</c> → <c>content_filter</c>; input tokens with
    /// cache tokens), <c>errored</c> the error, <c>canceled</c> and <c>expired</c> neither.
    /// </summary>
    public (string Key, JsonObject? Answer, string? Error) ReadResult(ReadOnlySpan<byte> line, string model, string batchId)
    {
        var reader = new Utf8JsonReader(line);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var key = Text(root, "custom_id") is { } id
            ? ChatRequest.KeyVersion + ":" + id
            : throw new FormatException($"A result line of message batch '{batchId}' has no custom_id.");
        if (!root.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"The result line of '{key}' in message batch '{batchId}' has no result.");
        }

        return Text(result, "type") switch
        {
            "succeeded" when result.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object => (key, Answer(message, model), null),
            "errored" => (key, null, Error(result, batchId)),
            "canceled" or "expired" => (key, null, null),
            var type => (key, null, $"Message batch '{batchId}' gave a result of type '{type}' for the request."),
        };
    }

    /// <summary>Disposes the SDK client and the HTTP client under it.</summary>
    public void Dispose()
    {
        (client as IDisposable)?.Dispose();
        (creator as IDisposable)?.Dispose();
        http.Dispose();
    }

    // The key's hash: keys are "<version>:<64 hex digits>", and the version is the chat key version for every request here.
    private static string CustomId(string key) => key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];

    // Anthropic's batch object as the batch lane sees OpenAI's: "ended" is completed, or expired / cancelled when some
    // requests were (they are submitted again); the results are read by the batch's id once it has ended.
    private static BatchInfo Info(IReadOnlyDictionary<string, JsonElement> batch)
    {
        var id = batch.TryGetValue("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : throw new FormatException("Anthropic's message batch has no 'id'.");
        var processing = batch.TryGetValue("processing_status", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        int Count(string name) => batch.TryGetValue("request_counts", out var counts) && counts.ValueKind == JsonValueKind.Object
            && counts.TryGetProperty(name, out var n) && n.TryGetInt32(out var value) ? value : 0;
        var status = processing switch
        {
            "ended" => Count("expired") > 0 ? "expired" : Count("canceled") > 0 ? "cancelled" : "completed",
            "canceling" => "cancelling",
            _ => "in_progress",
        };
        return new BatchInfo(id, status, processing == "ended" ? id : null, null, null, null, Count("succeeded"), Count("errored"));
    }

    private static int Total(IReadOnlyDictionary<string, JsonElement> batch) =>
        batch.TryGetValue("request_counts", out var counts) && counts.ValueKind == JsonValueKind.Object
            ? counts.EnumerateObject().Sum(c => c.Value.TryGetInt32(out var n) ? n : 0)
            : 0;

    private static JsonObject Answer(JsonElement message, string model)
    {
        var text = new System.Text.StringBuilder();
        if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                if (Text(block, "type") == "text" && Text(block, "text") is { } part)
                {
                    text.Append(part);
                }
            }
        }

        long input = 0, output = 0;
        if (message.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in new[] { "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens" })
            {
                input += usage.TryGetProperty(name, out var n) && n.TryGetInt64(out var v) ? v : 0;
            }

            output = usage.TryGetProperty("output_tokens", out var o) && o.TryGetInt64(out var ov) ? ov : 0;
        }

        return new JsonObject
        {
            ["text"] = text.ToString(),
            ["model"] = model,
            ["finish_reason"] = Text(message, "stop_reason") switch
            {
                "max_tokens" => "length",
                "tool_use" => "tool_calls",
                "refusal" => "content_filter",
                _ => "stop",
            },
            ["usage"] = new JsonObject { ["input_tokens"] = input, ["output_tokens"] = output },
        };
    }

    // An errored result: {"type":"errored","error":{"type":"error","error":{"type":…,"message":…}}}.
    private static string Error(JsonElement result, string batchId)
    {
        var error = result.TryGetProperty("error", out var outer) && outer.ValueKind == JsonValueKind.Object ? outer : default;
        if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("error", out var inner) && inner.ValueKind == JsonValueKind.Object)
        {
            error = inner;
        }

        return error.ValueKind == JsonValueKind.Object
            ? $"Message batch '{batchId}': {Text(error, "type") ?? "error"}: {Text(error, "message") ?? "no message"}"
            : $"Message batch '{batchId}' failed the request.";
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
