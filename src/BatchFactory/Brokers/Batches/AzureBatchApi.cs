using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.AI.OpenAI;

namespace BatchFactory.Brokers;

/// <summary>
/// Azure OpenAI's batch API (global batch): request lines name the <paramref name="deployment"/> as <c>model</c> and go
/// to Azure's paths (<c>/chat/completions</c>, <c>/embeddings</c>); up to <see cref="BatchOptions.AzureMaxRequests"/>
/// requests a file, written without a byte-order mark. Files are uploaded and downloaded with the SDK's file client's
/// protocol methods (its typed ones cannot read Azure's file objects beside OpenAI 2.15). Batches are created, read and
/// listed over the SDK's own pipeline (its key and retries), at <c>/openai/batches?api-version=…</c>: Azure.AI.OpenAI
/// 2.1.0's batch client cannot be loaded beside OpenAI 2.15. The create goes through <paramref name="creator"/>'s
/// pipeline, without retries (a create retried after a timeout could make a second paid batch); the rest may be retried.
/// </summary>
internal sealed class AzureBatchApi(AzureOpenAIClient client, AzureOpenAIClient creator, Uri endpoint, string deployment, string apiVersion) : IBatchApi
{
    // How long a submission waits for Azure to process its uploaded file.
    private static readonly TimeSpan MaxFileWait = TimeSpan.FromMinutes(30);

    private readonly OpenAI.Files.OpenAIFileClient _files = client.GetOpenAIFileClient();

    /// <inheritdoc/>
    public int MaxRequestsPerFile => BatchOptions.AzureMaxRequests;

    /// <inheritdoc/>
    public long MaxBytesPerFile => BatchOptions.OpenAIMaxBytes;

    /// <summary>Writes an OpenAI request line with the deployment as <c>model</c> and Azure's path as <c>url</c>.</summary>
    public void WriteRequest(Stream stream, ModelRequest request) => BatchLines.Write(stream, request, deployment, AzurePath(BatchLines.Endpoint(request)));

    /// <summary>
    /// Uploads the file with purpose <c>batch</c>, waits until Azure has processed it (it refuses a batch of a
    /// <c>pending</c> file), then creates the batch of it.
    /// </summary>
    public async Task<BatchInfo> SubmitAsync(string path, string endpoint, string submission, CancellationToken cancellationToken)
    {
        string fileId;
        string? status;
        using (var upload = new BatchFileUpload(path))
        {
            var uploaded = await _files.UploadFileAsync(upload, upload.ContentType, Options(cancellationToken)).ConfigureAwait(false);
            using var file = JsonDocument.Parse(uploaded.GetRawResponse().Content);
            fileId = file.RootElement.GetProperty("id").GetString()!;
            status = FileStatus(file.RootElement);
        }

        await ProcessedAsync(fileId, status, cancellationToken).ConfigureAwait(false);

        var body = new JsonObject { ["input_file_id"] = fileId, ["endpoint"] = AzurePath(endpoint), ["completion_window"] = "24h", ["metadata"] = new JsonObject { [BatchInfo.SubmissionKey] = submission } };
        using var created = await SendAsync("POST", "batches", body, cancellationToken, pipeline: creator.Pipeline).ConfigureAwait(false);
        return BatchInfo.Parse(created.RootElement);
    }

    /// <inheritdoc/>
    public async Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        try
        {
            using var batch = await SendAsync("GET", "batches/" + Uri.EscapeDataString(batchId), null, cancellationToken).ConfigureAwait(false);
            return BatchInfo.Parse(batch.RootElement);
        }
        catch (ClientResultException ex) when (ex.Status == 404)
        {
            throw new BatchNotFoundException(batchId, ex);
        }
    }

    /// <summary>Lists the batches, newest first, until the one tagged with <paramref name="submission"/> or one older than <paramref name="since"/>.</summary>
    public async Task<BatchInfo?> FindAsync(string submission, int requests, DateTimeOffset since, IReadOnlySet<string> known, CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            using var page = await SendAsync("GET", "batches", null, cancellationToken, after is null ? "limit=100" : $"limit=100&after={Uri.EscapeDataString(after)}").ConfigureAwait(false);
            var (found, done) = BatchInfo.Find(page.RootElement, submission, since);
            after = BatchInfo.LastId(page.RootElement);
            if (done || after is null)
            {
                return found;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<ReadOnlyMemory<byte>> DownloadAsync(string fileId, CancellationToken cancellationToken)
    {
        var content = await _files.DownloadFileAsync(fileId, Options(cancellationToken)).ConfigureAwait(false);
        return content.GetRawResponse().Content.ToMemory();
    }

    /// <inheritdoc/>
    public (string Key, JsonObject? Answer, string? Error) ReadResult(ReadOnlySpan<byte> line, string model, string batchId) => BatchLines.Read(line, model, batchId);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    // Polls the uploaded file until its status is "processed": every 0.25 s at first, doubling to every 10 s, for at most
    // MaxFileWait. A file Azure could not process ("error") fails the submission with Azure's reason.
    private async Task ProcessedAsync(string fileId, string? status, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var waited = TimeSpan.Zero;
        while (status is not (null or "processed"))
        {
            if (status == "error")
            {
                throw new InvalidOperationException($"Azure OpenAI could not process the batch file '{fileId}' (status 'error'), so no batch was created.");
            }

            if (waited >= MaxFileWait)
            {
                throw new TimeoutException($"Azure OpenAI's batch file '{fileId}' was still '{status}' after {MaxFileWait.TotalMinutes:0} minutes, so no batch was created.");
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            waited += delay;
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            var read = await _files.GetFileAsync(fileId, Options(cancellationToken)).ConfigureAwait(false);
            using var file = JsonDocument.Parse(read.GetRawResponse().Content);
            status = FileStatus(file.RootElement);
        }
    }

    private static string? FileStatus(JsonElement file) =>
        file.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString() : null;

    // Azure names the endpoints without OpenAI's /v1.
    private static string AzurePath(string endpoint) => endpoint.StartsWith("/v1/", StringComparison.Ordinal) ? endpoint[3..] : endpoint;

    private static System.ClientModel.Primitives.RequestOptions Options(CancellationToken cancellationToken) => new() { CancellationToken = cancellationToken };

    private async Task<JsonDocument> SendAsync(string method, string path, JsonObject? body, CancellationToken cancellationToken, string? query = null, ClientPipeline? pipeline = null)
    {
        pipeline ??= client.Pipeline;
        using var message = pipeline.CreateMessage();
        message.ResponseClassifier = PipelineMessageClassifier.Create([200, 201]);
        var request = message.Request;
        request.Method = method;
        request.Uri = new Uri(endpoint, $"openai/{path}?api-version={Uri.EscapeDataString(apiVersion)}{(query is null ? "" : "&" + query)}");
        request.Headers.Set("Accept", "application/json");
        if (body is not null)
        {
            request.Headers.Set("Content-Type", "application/json");
            request.Content = BinaryContent.Create(BinaryData.FromString(body.ToJsonString()));
        }

        message.Apply(Options(cancellationToken));
        await pipeline.SendAsync(message).ConfigureAwait(false);
        var response = message.Response!;
        return response.IsError ? throw new ClientResultException(response) : JsonDocument.Parse(response.Content);
    }
}
