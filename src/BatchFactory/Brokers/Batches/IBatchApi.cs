using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// A provider's batch API: OpenAI's <c>/v1/files</c> and <c>/v1/batches</c>, Azure OpenAI's under <c>/openai/</c>, or
/// Anthropic's Message Batches. A batch is a JSONL file of request lines in the provider's own format; it is submitted
/// in one step (an upload and a create, or one create with the requests inline) and its results are read as JSONL lines.
/// </summary>
internal interface IBatchApi : IDisposable
{
    /// <summary>The most requests the provider takes in one batch.</summary>
    int MaxRequestsPerFile { get; }

    /// <summary>The most bytes of request lines the provider takes in one batch.</summary>
    long MaxBytesPerFile { get; }

    /// <summary>Writes one request line, ending in a newline, in the provider's batch format; its id says the request's key.</summary>
    void WriteRequest(Stream stream, ModelRequest request);

    /// <summary>
    /// Submits the batch file at <paramref name="path"/> for <paramref name="endpoint"/> (e.g. <c>/v1/chat/completions</c>)
    /// with a 24 h window, tagged with <paramref name="submission"/> where the provider keeps metadata.
    /// </summary>
    Task<BatchInfo> SubmitAsync(string path, string endpoint, string submission, CancellationToken cancellationToken);

    /// <summary>
    /// The batch <see cref="SubmitAsync"/> created for <paramref name="submission"/> (recorded at <paramref name="since"/>
    /// with <paramref name="requests"/> requests) if the provider has it, for a process that died before recording it;
    /// <see langword="null"/> if it was never created. Batches in <paramref name="known"/> are recorded already.
    /// </summary>
    Task<BatchInfo?> FindAsync(string submission, int requests, DateTimeOffset since, IReadOnlySet<string> known, CancellationToken cancellationToken);

    /// <summary>The batch's state now.</summary>
    /// <exception cref="BatchNotFoundException">The provider does not know the batch (e.g. another API key's project).</exception>
    Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>The content of a file of results (an output or error file, or the results of <see cref="BatchInfo.OutputFileId"/>).</summary>
    Task<ReadOnlyMemory<byte>> DownloadAsync(string fileId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads one result line: the request's key, and the answer (for the model <paramref name="model"/>), or the error
    /// the provider gave, or neither for a request the batch did not get to (expired or cancelled: submitted again).
    /// </summary>
    /// <exception cref="FormatException">The line is not a result line.</exception>
    (string Key, JsonObject? Answer, string? Error) ReadResult(ReadOnlySpan<byte> line, string model, string batchId);

    /// <summary>
    /// A file's content (an output or error file) to read as it downloads; the caller disposes it. Results are read
    /// through this, a buffer at a time, so an API that can stream should: by default the file is downloaded whole
    /// (<see cref="DownloadAsync"/>) and read from memory.
    /// </summary>
    async Task<Stream> OpenReadAsync(string fileId, CancellationToken cancellationToken)
    {
        var content = await DownloadAsync(fileId, cancellationToken).ConfigureAwait(false);
        return new MemoryStream(content.ToArray(), writable: false);
    }
}
