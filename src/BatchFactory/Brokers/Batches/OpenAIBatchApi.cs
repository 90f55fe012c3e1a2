using System.ClientModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Batch;
using OpenAI.Files;

namespace BatchFactory.Brokers;

#pragma warning disable OPENAI001 // The SDK marks its batch client experimental; its protocol methods are what we use.

/// <summary>
/// OpenAI's batch API through the OpenAI SDK: files are uploaded with its typed <see cref="OpenAIFileClient"/>; batches
/// are created and read with <see cref="BatchClient"/>'s protocol methods (the SDK has no typed ones). Every call may be
/// retried by <paramref name="client"/> except the create, sent by <paramref name="creator"/> (no retries): a create
/// retried after a timeout could make a second paid batch.
/// </summary>
internal sealed class OpenAIBatchApi(OpenAIClient client, OpenAIClient creator, string model) : IBatchApi
{
    private readonly OpenAIFileClient _files = client.GetOpenAIFileClient();
    private readonly BatchClient _batches = client.GetBatchClient();
    private readonly BatchClient _creator = creator.GetBatchClient();

    /// <inheritdoc/>
    public int MaxRequestsPerFile => BatchOptions.OpenAIMaxRequests;

    /// <inheritdoc/>
    public long MaxBytesPerFile => BatchOptions.OpenAIMaxBytes;

    /// <inheritdoc/>
    public void WriteRequest(Stream stream, ModelRequest request) => BatchLines.Write(stream, request, model);

    /// <summary>Uploads the file with purpose <c>batch</c>, then creates the batch of it.</summary>
    public async Task<BatchInfo> SubmitAsync(string path, string endpoint, string submission, CancellationToken cancellationToken)
    {
        string fileId;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            fileId = (await _files.UploadFileAsync(file, Path.GetFileName(path), FileUploadPurpose.Batch, cancellationToken).ConfigureAwait(false)).Value.Id;
        }

        var body = BinaryContent.Create(BinaryData.FromString(new JsonObject { ["input_file_id"] = fileId, ["endpoint"] = endpoint, ["completion_window"] = "24h", ["metadata"] = new JsonObject { [BatchInfo.SubmissionKey] = submission } }.ToJsonString()));
        var operation = await _creator.CreateBatchAsync(body, waitUntilCompleted: false, new() { CancellationToken = cancellationToken }).ConfigureAwait(false);
        return Read(operation.GetRawResponse().Content);
    }

    /// <inheritdoc/>
    public async Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        try
        {
            var operation = await CreateBatchOperation.RehydrateAsync(_batches, batchId, cancellationToken).ConfigureAwait(false);
            return Read(operation.GetRawResponse().Content);
        }
        catch (ClientResultException ex) when (ex.Status == 404)
        {
            throw new BatchNotFoundException(batchId, ex);
        }
    }

    /// <summary>Lists the batches, newest first, until the one tagged with <paramref name="submission"/> or one older than <paramref name="since"/>.</summary>
    public async Task<BatchInfo?> FindAsync(string submission, int requests, DateTimeOffset since, IReadOnlySet<string> known, CancellationToken cancellationToken)
    {
        await foreach (var page in _batches.GetBatchesAsync(after: null, limit: 100, new() { CancellationToken = cancellationToken }).GetRawPagesAsync().ConfigureAwait(false))
        {
            using var document = JsonDocument.Parse(page.GetRawResponse().Content);
            if (BatchInfo.Find(document.RootElement, submission, since) is { Done: true } found)
            {
                return found.Found;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public async Task<ReadOnlyMemory<byte>> DownloadAsync(string fileId, CancellationToken cancellationToken)
    {
        var content = await _files.DownloadFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        return content.Value.ToMemory();
    }

    /// <inheritdoc/>
    public (string Key, JsonObject? Answer, string? Error) ReadResult(ReadOnlySpan<byte> line, string model, string batchId) => BatchLines.Read(line, model, batchId);

    /// <inheritdoc/>
    /// <remarks>The response is not buffered: the stream reads from the connection.</remarks>
    public async Task<Stream> OpenReadAsync(string fileId, CancellationToken cancellationToken)
    {
        var result = await _files.DownloadFileAsync(fileId, new System.ClientModel.Primitives.RequestOptions { BufferResponse = false, CancellationToken = cancellationToken }).ConfigureAwait(false);
        return result.GetRawResponse().ContentStream ?? Stream.Null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static BatchInfo Read(BinaryData json)
    {
        using var document = JsonDocument.Parse(json);
        return BatchInfo.Parse(document.RootElement);
    }
}
