namespace BatchFactory.Brokers;

/// <summary>A provider's batch API (OpenAI's <c>/v1/files</c> and <c>/v1/batches</c>, or Azure OpenAI's paths).</summary>
internal interface IBatchApi : IDisposable
{
    /// <summary>The most requests the provider takes in one batch file.</summary>
    int MaxRequestsPerFile { get; }

    /// <summary>The model name to put in each request line (the model, or Azure's deployment).</summary>
    string ModelName { get; }

    /// <summary>Uploads the JSONL file at <paramref name="path"/> with purpose <c>batch</c>; returns its file id.</summary>
    Task<string> UploadAsync(string path, CancellationToken cancellationToken);

    /// <summary>Creates a batch of the uploaded file for <paramref name="endpoint"/> (e.g. <c>/v1/chat/completions</c>) with a 24 h window.</summary>
    Task<BatchInfo> CreateAsync(string fileId, string endpoint, CancellationToken cancellationToken);

    /// <summary>The batch's state now.</summary>
    /// <exception cref="BatchNotFoundException">The provider does not know the batch (e.g. another API key's project).</exception>
    Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>The content of a file (an output or error file).</summary>
    Task<ReadOnlyMemory<byte>> DownloadAsync(string fileId, CancellationToken cancellationToken);

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
