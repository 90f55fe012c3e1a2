using System.Globalization;
using BatchFactory.Brokers.Resilience;

namespace BatchFactory.Brokers;

/// <summary>
/// The batches of one model and endpoint: requests are written to an open file until it is full (requests, bytes or,
/// with an enqueued-token limit, tokens), <see cref="BatchOptions.FlushAfter"/> passes or <see cref="Flush"/> is
/// called; then the file is submitted under the model's <see cref="TokenBudget"/>, recorded, polled and collected.
/// A file that holds <paramref name="maxWaitingPerOp"/> requests is submitted at once: an op that sends them has no room
/// for another entry until answers arrive (<see cref="BatchOptions.MaxWaitingPerOp"/>).
/// </summary>
internal sealed partial class BatchLane(BatchAnswers owner, ModelSpec model, string endpoint, IBatchApi api, BatchOptions options, TokenBudget budget, int maxWaitingPerOp)
{
    private readonly Lock _lock = new();
    private readonly MemoryStream _line = new();
    private BatchFile? _open;
    private int _files;

    public ModelSpec Model { get; } = model;

    public string Endpoint { get; } = endpoint;

    /// <summary>Adds a request to the open file; the file is submitted when full.</summary>
    public void Add(BatchWaiter waiter)
    {
        var tokens = Estimate(waiter.Request);
        BatchFile? full = null, filled = null;
        lock (_lock)
        {
            _line.SetLength(0);
            api.WriteRequest(_line, waiter.Request);
            var line = _line.GetBuffer().AsSpan(0, (int)_line.Length);
            if (_open is { } open && (open.Waiters.Count >= MaxRequests || open.Bytes + line.Length > MaxBytes || (budget.Limit is { } limit && open.Tokens + tokens > limit)))
            {
                full = open;
                _open = null;
            }

            if (_open is null)
            {
                _open = new BatchFile(owner.NewFilePath(Model, Interlocked.Increment(ref _files)));
                var opened = _open;
                _open.Timer = owner.Time.CreateTimer(_ => Seal(opened), null, options.FlushAfter, Timeout.InfiniteTimeSpan);
            }

            _open.Add(waiter, line, tokens);
            if (_open.Waiters.Count >= maxWaitingPerOp)
            {
                // No op sending to it has room for another entry until answers arrive.
                filled = _open;
                _open = null;
            }
        }

        if (full is not null)
        {
            Submit(full);
        }

        if (filled is not null)
        {
            Submit(filled);
        }
    }

    /// <summary>Submits the open file now, however small.</summary>
    public void Flush()
    {
        BatchFile? open;
        lock (_lock)
        {
            open = _open;
            _open = null;
        }

        if (open is not null)
        {
            Submit(open);
        }
    }

    private int MaxRequests => Math.Min(options.MaxRequestsPerBatch, api.MaxRequestsPerFile);

    private long MaxBytes => Math.Min(options.MaxBytesPerBatch, api.MaxBytesPerFile);

    private void Seal(BatchFile file)
    {
        lock (_lock)
        {
            if (_open != file)
            {
                return;
            }

            _open = null;
        }

        Submit(file);
    }

    private void Submit(BatchFile file)
    {
        file.Dispose();
        owner.Track(SubmitAsync(file));
    }

    private long Estimate(ModelRequest request) => request switch
    {
        ChatCall chat => TokenEstimate.ForChat(ChatRequest.Messages(chat.Request), ChatRequest.Options(chat.Request), options.ExpectedOutputTokens),
        EmbeddingCall embedding => TokenEstimate.ForEmbeddings([embedding.Text], null),
        _ => 0,
    };

    private string Now() => owner.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
}
