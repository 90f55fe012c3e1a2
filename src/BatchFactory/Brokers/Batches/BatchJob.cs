using System.Globalization;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// A batch submitted to a provider, in this run or recorded by an earlier one: the keys it holds, the requests of this
/// run waiting for it, and where it is. Requests attach until its results are delivered.
/// </summary>
internal sealed class BatchJob(string id, ModelSpec model, string endpoint, IReadOnlyList<string> keys, long tokens, DateTimeOffset submitted)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, BatchWaiter> _waiters = new(StringComparer.Ordinal);
    private int _started;
    private bool _delivered;
    private bool _parked;

    public string Id { get; } = id;

    public ModelSpec Model { get; } = model;

    public string Endpoint { get; } = endpoint;

    public IReadOnlyList<string> Keys { get; } = keys;

    public long Tokens { get; } = tokens;

    public DateTimeOffset Submitted { get; } = submitted;

    /// <summary>The id the batch was submitted under, recorded before it was created (see <see cref="BatchAnswers"/>).</summary>
    public string? Submission { get; init; }

    /// <summary>
    /// Whether the batch was found at the provider by a later run, after a process died between creating and recording it:
    /// a request it has no result line for is submitted again rather than failed (the match may be a guess; see
    /// <see cref="IBatchApi.FindAsync"/>).
    /// </summary>
    public bool Adopted { get; init; }

    /// <summary>Whether the job's tokens are counted in its model's budget now.</summary>
    public bool Reserved { get; set; }

    /// <summary>The provider's last word on the batch.</summary>
    public string Status { get; set; } = "validating";

    /// <summary>Requests answered and failed, by the provider's last count.</summary>
    public (int Completed, int Failed) Counts { get; set; }

    /// <summary>Marks the job started (polled or collected) once; false if it already was.</summary>
    public bool TryStart() => Interlocked.Exchange(ref _started, 1) == 0;

    /// <summary>Adds a waiting request; false when the job's results were already delivered.</summary>
    /// <exception cref="BatchPendingException">The run does not wait for this batch.</exception>
    public bool TryAttach(BatchWaiter waiter)
    {
        lock (_lock)
        {
            if (_parked)
            {
                throw new BatchPendingException(Id);
            }

            if (_delivered)
            {
                return false;
            }

            _waiters[waiter.Request.Key] = waiter;
            return true;
        }
    }

    /// <summary>The run stops waiting for the batch: requests waiting and attaching stay for a later run.</summary>
    public void Park()
    {
        BatchWaiter[] waiting;
        lock (_lock)
        {
            _parked = true;
            waiting = [.. _waiters.Values];
            _waiters.Clear();
        }

        foreach (var waiter in waiting)
        {
            waiter.Failed(new BatchPendingException(Id));
        }
    }

    /// <summary>Takes the request waiting for <paramref name="key"/>, if one is attached: its result is being delivered.</summary>
    public BatchWaiter? TryTake(string key)
    {
        lock (_lock)
        {
            return _waiters.Remove(key, out var waiter) ? waiter : null;
        }
    }

    /// <summary>Ends attaching: the requests waiting now, by key, to deliver the results to.</summary>
    public Dictionary<string, BatchWaiter> TakeWaiters()
    {
        lock (_lock)
        {
            _delivered = true;
            var waiting = new Dictionary<string, BatchWaiter>(_waiters, StringComparer.Ordinal);
            _waiters.Clear();
            return waiting;
        }
    }

    /// <summary>
    /// The ledger record of the submitted batch (written once, before it is polled), or of a submission. A batch made
    /// through a submission names it instead of repeating its keys (records written before it did still hold them).
    /// </summary>
    public JsonObject Record(string file)
    {
        var record = new JsonObject
        {
            ["id"] = Id,
            ["model"] = Model.ToString(),
            ["endpoint"] = Endpoint,
            ["file"] = file,
            ["tokens"] = Tokens,
            ["submitted_at"] = Submitted.ToString("O", CultureInfo.InvariantCulture),
        };
        if (Submission is null)
        {
            record["keys"] = new JsonArray([.. Keys.Select(k => (JsonNode)k)]);
        }
        else
        {
            record["submission"] = Submission;
        }

        if (Adopted)
        {
            record["adopted"] = true;
        }

        return record;
    }
}
