using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// Answers requests of ops in <see cref="CallMode.Batch"/> and <see cref="CallMode.Auto"/> through the providers' batch
/// APIs, and every other request through the live source it wraps. The broker around it shares requests in flight and
/// stores each answer under the request's key, exactly as for a live answer, so live and batch share one ledger. A
/// request whose key an earlier run submitted in a batch (recorded in the project's <c>batches</c> ledger) waits for
/// that batch instead of being submitted again. A provider without a batch API answers live.
/// </summary>
internal sealed partial class BatchAnswers : IAnswerSource, IDisposable
{
    private readonly IAnswerSource _live;
    private readonly BatchSetup _setup;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, BatchLane> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenBudget> _budgets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IBatchApi?> _apis = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BatchJob> _restored = new(StringComparer.Ordinal);
    private readonly Lazy<Task> _loaded;
    private readonly string _folder;
    private readonly bool _temporaryFolder;
    private ILedger? _ledger;
    private long _placed;
    private int _entering;
    private int _flushing;
    private volatile bool _draining;

    public BatchAnswers(IAnswerSource live, BatchSetup setup)
    {
        _live = live;
        _setup = setup;
        _temporaryFolder = setup.Folder is null;
        _folder = setup.Folder ?? Path.Combine(Path.GetTempPath(), "batchfactory-batches-" + Guid.NewGuid().ToString("N"));
        _loaded = new Lazy<Task>(() => LoadAsync(_stop.Token));
    }

    /// <summary>The clock for flushing and polling.</summary>
    public TimeProvider Time => _setup.Time;

    /// <summary>Cancelled when the run ends: background submits and polls stop.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <inheritdoc/>
    public Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        if (request.Mode == CallMode.Live)
        {
            return _live.AnswerAsync(request, cancellationToken);
        }

        if (Api(request.Model) is null)
        {
            Report.AnsweredLive(request.Model, noBatchApi: true);
            return _live.AnswerAsync(request, cancellationToken);
        }

        if (request.Mode == CallMode.Auto && PastDeadline(request.Model))
        {
            Report.AnsweredLive(request.Model, noBatchApi: false);
            return _live.AnswerAsync(request, cancellationToken);
        }

        // The usual way needs no async frame of its own: when the ledger of batches is loaded and no other worker shares
        // the run, the request is placed now (as when parked) and the broker awaits the waiter's task directly (no frame,
        // no WaitAsync promise and its own registration: about 300 bytes less per waiting request).
        return Park(request, cancellationToken) ?? PlaceAsync(new BatchWaiter(request), cancellationToken);
    }

    /// <inheritdoc/>
    public bool CanPark(ModelRequest request) =>
        request.Mode != CallMode.Live && _loaded.Value.IsCompletedSuccessfully && !_setup.Shared && Api(request.Model) is not null
        && !(request.Mode == CallMode.Auto && PastDeadline(request.Model));

    /// <summary>
    /// Places a batch request before the broker asks for it (see <see cref="ModelBroker.ParkAsync"/>) when it can be placed
    /// at once, as <see cref="AnswerAsync"/> would: the op then waits for the returned task with no frame of the call.
    /// </summary>
    /// <returns>The waiter's task (cancelled with <paramref name="cancellationToken"/>); <see langword="null"/> when the request goes the usual way (live, a provider without a batch API, past the deadline, while the ledger of batches loads, in a shared run).</returns>
    public Task<JsonObject>? Park(ModelRequest request, CancellationToken cancellationToken)
    {
        if (!CanPark(request))
        {
            return null;
        }

        var waiter = new BatchWaiter(request);
        Interlocked.Increment(ref _entering);
        try
        {
            Place(waiter);
        }
        catch (Exception ex)
        {
            waiter.Failed(ex);
        }
        finally
        {
            Placed();
        }

        return waiter.Answer(cancellationToken);
    }

    /// <summary>
    /// Submits every open batch file once requests stop arriving, when none arrived for <see cref="Quiet"/>: an op that
    /// sends batch requests has taken in all its entries, and the last of them may still be on their way through the
    /// ledger lookup. From then on the run drains: files are submitted whenever requests pause, so stragglers (and the
    /// requests of ops downstream, which arrive as batches are answered) never wait for <see cref="BatchOptions.FlushAfter"/>.
    /// </summary>
    public void Flush()
    {
        _draining = true;
        if (Interlocked.Exchange(ref _flushing, 1) == 0)
        {
            Track(FlushWhenQuietAsync());
        }
    }

    /// <summary>
    /// How long no request may arrive before <see cref="Flush"/> submits (a settling pause, not a timeout): long enough
    /// that a busy machine's scheduling gaps do not split an op's requests into several batches, short beside any batch's
    /// hours; longer in a shared run, where each request is claimed in the database on its way here.
    /// </summary>
    private TimeSpan Quiet => TimeSpan.FromMilliseconds(_setup.Shared ? 500 : 100);

    private async Task FlushWhenQuietAsync()
    {
        try
        {
            // Requests that keep trickling in put the submit off, but by ten pauses at most.
            long seen;
            var pauses = 0;
            do
            {
                seen = Interlocked.Read(ref _placed);
                await Task.Delay(Quiet, Stopping).ConfigureAwait(false);
            }
            while (++pauses < 10 && (Interlocked.Read(ref _placed) != seen || Volatile.Read(ref _entering) > 0));
        }
        finally
        {
            Volatile.Write(ref _flushing, 0);
        }

        foreach (var lane in _lanes.Values)
        {
            lane.Flush();
        }
    }

    /// <summary>Stops submitting and polling, and deletes the temporary folder if the run had no project.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        foreach (var api in _apis.Values)
        {
            api?.Dispose();
        }

        if (_temporaryFolder && Directory.Exists(_folder))
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        _stop.Dispose();
    }

    /// <summary>A path for a new batch file of <paramref name="model"/>.</summary>
    public string NewFilePath(ModelSpec model, int number)
    {
        Directory.CreateDirectory(_folder);
        var safe = string.Concat(model.ToString().Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
        return Path.Combine(_folder, $"{safe}-{Time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid():N}-{number}.jsonl");
    }

    /// <summary>Watches a background task; its own code hands every failure to the requests concerned.</summary>
    public void Track(Task task) => _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>Answers <paramref name="waiters"/> live instead (an <see cref="CallMode.Auto"/> file too small to batch).</summary>
    public void AnswerLive(IReadOnlyList<BatchWaiter> waiters)
    {
        foreach (var waiter in waiters)
        {
            Report.AnsweredLive(waiter.Request.Model, noBatchApi: false);
            Track(AnswerLiveAsync(waiter));
        }
    }

    private async Task AnswerLiveAsync(BatchWaiter waiter)
    {
        try
        {
            waiter.Answered(await _live.AnswerAsync(waiter.Request, Stopping).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            waiter.Failed(ex);
        }
    }

    // The first requests (while the ledger of batches loads) and those of a shared run, which look for a batch another
    // worker placed them in first.
    private async Task<JsonObject> PlaceAsync(BatchWaiter waiter, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _entering);
        try
        {
            await _loaded.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            await FindSharedAsync(waiter.Request.Key, cancellationToken).ConfigureAwait(false);
            Place(waiter);
        }
        finally
        {
            Placed();
        }

        return await waiter.Answer(cancellationToken).ConfigureAwait(false);
    }

    private void Placed()
    {
        Interlocked.Increment(ref _placed);
        Interlocked.Decrement(ref _entering);
        if (_draining)
        {
            Flush();
        }
    }

    private void Place(BatchWaiter waiter)
    {
        var key = waiter.Request.Key;
        if (_unclaimed.TryRemove(key, out var answer))
        {
            waiter.Answered(answer);
            return;
        }

        if (_restored.TryGetValue(key, out var job))
        {
            if (job.TryAttach(waiter))
            {
                if (job.TryStart())
                {
                    Track(Lane(job.Model, job.Endpoint).ResumeAsync(job));
                }

                return;
            }

            if (_unclaimed.TryRemove(key, out answer))
            {
                waiter.Answered(answer);
                return;
            }
        }

        Lane(waiter.Request).Add(waiter);
    }

    private BatchLane Lane(ModelRequest request) => Lane(request.Model, BatchLines.Endpoint(request));

    private BatchLane Lane(ModelSpec model, string endpoint) =>
        _lanes.GetOrAdd($"{model}|{endpoint}", _ => new BatchLane(this, model, endpoint, Api(model)!, _setup.For(model), Budget(model), _setup.Batch.MaxWaitingPerOp));

    private TokenBudget Budget(ModelSpec model) => _budgets.GetOrAdd(model.ToString(), _ => new TokenBudget(_setup.For(model).MaxEnqueuedTokens));

    private IBatchApi? Api(ModelSpec model) =>
        _apis.GetOrAdd(model.ToString(), _ => _setup.Models.Resolve(model) is IBatchProvider provider ? provider.CreateBatchApi(model.Model) : null);

    private bool PastDeadline(ModelSpec model) =>
        _setup.For(model).Deadline is { } deadline && Time.GetUtcNow() + Report.Turnaround > deadline;
}
