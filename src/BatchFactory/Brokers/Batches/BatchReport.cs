using System.Collections.Concurrent;

namespace BatchFactory.Brokers;

/// <summary>What a run's batches did, for its summary: every batch with its status and counts, and the requests of batch or auto ops answered live instead.</summary>
internal sealed class BatchReport
{
    private readonly ConcurrentDictionary<string, BatchJob> _batches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _noBatchApi = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _auto = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _warnings = new();
    private long _turnaroundTicks = TimeSpan.FromHours(24).Ticks;
    private bool _observed;

    /// <summary>The slowest batch turnaround seen in this run; 24 hours before any batch finished.</summary>
    public TimeSpan Turnaround => TimeSpan.FromTicks(Interlocked.Read(ref _turnaroundTicks));

    /// <summary>Every batch the run submitted or polled.</summary>
    public IReadOnlyList<BatchJob> Batches => [.. _batches.Values.OrderBy(b => b.Submitted).ThenBy(b => b.Id, StringComparer.Ordinal)];

    /// <summary>Batch requests answered live because their provider has no batch API, by model.</summary>
    public IReadOnlyDictionary<string, long> NoBatchApi => _noBatchApi;

    /// <summary>Auto requests answered live (too few to batch, or a deadline), by model.</summary>
    public IReadOnlyDictionary<string, long> AutoLive => _auto;

    /// <summary>Warnings about batches (one an earlier run left that could not be taken up now, a guess not made), in order.</summary>
    public IReadOnlyList<string> Warnings => [.. _warnings];

    /// <summary>Adds a warning for the summary.</summary>
    public void Warn(string warning) => _warnings.Enqueue(warning);

    public void Seen(BatchJob job) => _batches[job.Id] = job;

    public void AnsweredLive(ModelSpec model, bool noBatchApi) =>
        (noBatchApi ? _noBatchApi : _auto).AddOrUpdate(model.ToString(), 1, (_, n) => n + 1);

    public void Finished(TimeSpan turnaround)
    {
        lock (_batches)
        {
            if (!_observed || turnaround.Ticks > _turnaroundTicks)
            {
                _observed = true;
                Interlocked.Exchange(ref _turnaroundTicks, turnaround.Ticks);
            }
        }
    }
}
