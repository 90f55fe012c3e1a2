using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>A provider whose batch API kills the run just after (or just before) creating a batch (or the first <c>creates</c> batches), before it is recorded.</summary>
internal sealed class CrashingBatchProvider(IModelProvider inner, CancellationTokenSource kill, bool afterCreate, int creates = 1) : IModelProvider, IBatchProvider
{
    private readonly BatchCrash _crash = new(creates);

    public string Name => inner.Name;

    public void Validate(string model) => inner.Validate(model);

    public IChatClient CreateChatClient(string model) => inner.CreateChatClient(model);

    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) => inner.CreateEmbeddingGenerator(model);

    public IBatchApi CreateBatchApi(string model) => new CrashingBatchApi(((IBatchProvider)inner).CreateBatchApi(model), kill, afterCreate, _crash);
}

/// <summary>Counts creates; the crash comes when the last of them is made.</summary>
internal sealed class BatchCrash(int creates)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _made;

    public Task CreatedAsync()
    {
        if (Interlocked.Increment(ref _made) >= creates)
        {
            _all.TrySetResult();
        }

        return _all.Task.WaitAsync(TestRuns.Token);
    }
}

internal sealed class CrashingBatchApi(IBatchApi inner, CancellationTokenSource kill, bool afterCreate, BatchCrash crash) : IBatchApi
{
    public int MaxRequestsPerFile => inner.MaxRequestsPerFile;

    public long MaxBytesPerFile => inner.MaxBytesPerFile;

    public void WriteRequest(Stream stream, ModelRequest request) => inner.WriteRequest(stream, request);

    public async Task<BatchInfo> SubmitAsync(string path, string endpoint, string submission, CancellationToken cancellationToken)
    {
        if (afterCreate)
        {
            await inner.SubmitAsync(path, endpoint, submission, cancellationToken);
            await crash.CreatedAsync();
        }

        await kill.CancelAsync();
        throw new OperationCanceledException("The process died " + (afterCreate ? "after creating the batch." : "before creating the batch."));
    }

    public Task<BatchInfo?> FindAsync(string submission, int requests, DateTimeOffset since, IReadOnlySet<string> known, CancellationToken cancellationToken) =>
        inner.FindAsync(submission, requests, since, known, cancellationToken);

    public Task<BatchInfo> GetAsync(string batchId, CancellationToken cancellationToken) => inner.GetAsync(batchId, cancellationToken);

    public Task<ReadOnlyMemory<byte>> DownloadAsync(string fileId, CancellationToken cancellationToken) => inner.DownloadAsync(fileId, cancellationToken);

    public (string Key, JsonObject? Answer, string? Error) ReadResult(ReadOnlySpan<byte> line, string model, string batchId) => inner.ReadResult(line, model, batchId);

    public void Dispose() => inner.Dispose();
}
