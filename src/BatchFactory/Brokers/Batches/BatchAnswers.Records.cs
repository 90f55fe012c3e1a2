using System.Globalization;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// The batches ledger: each submitted batch (<c>batch/&lt;id&gt;</c>: model, endpoint, file, estimated tokens, and the
/// submission holding its keys; records written before hold the keys themselves) is recorded before it is polled, and
/// its status (<c>batch/&lt;id&gt;/status</c>) as it changes; <c>collected</c> once every answer reached a request that
/// stores it or the ledger. A run reads them on its first batch request. In a shared run
/// (several workers on one PostgreSQL project) each request of a batch is also recorded under <c>batched/&lt;key&gt;</c>,
/// and a request is looked up there before it goes into a new batch: a batch another worker submitted after this run
/// read the ledger (and whose claims it released, or lost by dying) is polled and collected here, never submitted again.
/// Before a batch is created, its submission (<c>submission/&lt;id&gt;</c>: the same record under a fresh id, which the
/// batch carries as metadata where the provider keeps it) is recorded: a run that finds a submission no batch record
/// names asks the provider for its batch (<see cref="IBatchApi.FindAsync"/>) and takes it up, so a process that died
/// between creating a batch and recording it does not submit (and pay for) its requests again.
/// </summary>
internal sealed partial class BatchAnswers
{
    private const string Prefix = "batch/";
    private const string StatusSuffix = "/status";
    private const string RequestPrefix = "batched/";
    private const string SubmissionPrefix = "submission/";

    /// <summary>How old an unrecorded submission must be before a worker of a shared run takes it for a dead worker's.</summary>
    internal static readonly TimeSpan SharedGrace = TimeSpan.FromMinutes(5);
    private readonly Lock _restoring = new();
    private readonly HashSet<string> _restoredIds = new(StringComparer.Ordinal);

    /// <summary>The run's batches, for its summary.</summary>
    public BatchReport Report { get; } = new();

    /// <summary>Records a batch just created, and its first status, durably, before anything else is done with it.</summary>
    public async Task RecordAsync(BatchJob job, string file, BatchInfo info)
    {
        Report.Seen(job);
        Started(job);
        job.Status = info.Status;
        lock (_restoring)
        {
            _restoredIds.Add(job.Id);
        }

        await WriteRecordAsync(job, job.Record(file), Status(info.Status, collected: false)).ConfigureAwait(false);
    }

    // Writes a batch's record and status durably, and in a shared run its requests' claims (batched/<key>).
    private async Task WriteRecordAsync(BatchJob job, JsonObject record, JsonObject status)
    {
        if (_ledger is null)
        {
            return;
        }

        await _ledger.AppendAsync(Prefix + job.Id, record, CancellationToken.None).ConfigureAwait(false);
        await _ledger.AppendAsync(Prefix + job.Id + StatusSuffix, status, CancellationToken.None).ConfigureAwait(false);
        if (_setup.Shared)
        {
            foreach (var key in job.Keys)
            {
                await _ledger.AppendAsync(RequestPrefix + key, new JsonObject { ["batch"] = job.Id }, CancellationToken.None).ConfigureAwait(false);
            }
        }

        await _ledger.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The ids of the batches this run knows (recorded by it or an earlier run), for telling an unrecorded batch apart.</summary>
    public IReadOnlySet<string> KnownBatchIds()
    {
        lock (_restoring)
        {
            return _restoredIds.ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>Records, durably, a batch about to be created (<paramref name="submission"/>'s id is the submission id).</summary>
    public async Task RecordSubmissionAsync(BatchJob submission, string file)
    {
        if (_ledger is not null)
        {
            await _ledger.AppendAsync(SubmissionPrefix + submission.Id, submission.Record(file), CancellationToken.None).ConfigureAwait(false);
            await _ledger.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Records the batch's new status.</summary>
    public async Task RecordStatusAsync(BatchJob job, string status, bool collected)
    {
        job.Status = status;
        if (_ledger is not null)
        {
            await _ledger.AppendAsync(Prefix + job.Id + StatusSuffix, Status(status, collected), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A batch is done: its turnaround counts for <see cref="BatchOptions.Deadline"/>.</summary>
    public void Finished(BatchJob job) => Report.Finished(Time.GetUtcNow() - job.Submitted);

    /// <summary>A recorded batch the provider does not know: said in the summary (status <c>lost</c>); its requests are submitted again.</summary>
    public static void Lost(BatchJob job) => job.Status = "lost";

    private JsonObject Status(string status, bool collected) => new()
    {
        ["status"] = status,
        ["collected"] = collected,
        ["at"] = Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
    };

    // Reads the batches earlier runs recorded: those not yet collected take their keys back; pending ones count in their
    // model's token budget and are polled now.
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_setup.OpenLedger is null)
        {
            return;
        }

        _ledger = await _setup.OpenLedger(cancellationToken).ConfigureAwait(false);
        var batches = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var statuses = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var submissions = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        await foreach (var record in _ledger.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Key.StartsWith(SubmissionPrefix, StringComparison.Ordinal) && record.Value is JsonObject submission)
            {
                submissions[record.Key[SubmissionPrefix.Length..]] = submission;
                continue;
            }

            if (!record.Key.StartsWith(Prefix, StringComparison.Ordinal) || record.Value is not JsonObject value)
            {
                continue;
            }

            if (record.Key.EndsWith(StatusSuffix, StringComparison.Ordinal))
            {
                statuses[record.Key[Prefix.Length..^StatusSuffix.Length]] = value;
            }
            else
            {
                batches[record.Key[Prefix.Length..]] = value;
            }
        }

        foreach (var (id, batch) in batches)
        {
            try
            {
                Restore(id, batch, statuses.GetValueOrDefault(id), batch["submission"]?.GetValue<string>() is { } submission ? submissions.GetValueOrDefault(submission) : null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Report.Warn($"Batch '{id}' of {batch["model"]?.GetValue<string>()} could not be taken up; a later run tries again ({ex.Message}).");
            }
        }

        var recorded = batches.Values.Select(b => b["submission"]?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var known = batches.Keys.ToHashSet(StringComparer.Ordinal);
        // In a shared run a submission recorded moments ago may be another live worker's, its create still running: only
        // those older than SharedGrace are taken for a dead worker's.
        var now = Time.GetUtcNow();
        var unrecorded = submissions.Where(s => !recorded.Contains(s.Key) && s.Value["done"] is null
            && !(_setup.Shared && now - DateTimeOffset.Parse(s.Value["submitted_at"]!.GetValue<string>(), CultureInfo.InvariantCulture) < SharedGrace)).ToList();
        foreach (var (id, submission) in unrecorded)
        {
            try
            {
                await AdoptAsync(id, submission, unrecorded.Count(other => Alike(submission, other.Value)) > 1, known, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One submission that cannot be checked now (the provider's list failed, its provider is gone) must not
                // stop the run: it stays undone for a later run, and its requests go into new batches here if asked.
                Report.Warn($"Batch submission '{id}' of {submission["model"]?.GetValue<string>()} could not be checked against the provider's batches; a later run tries again ({ex.Message}).");
            }
        }
    }

    // A submission no batch record names: the process died after recording it, before (or after) creating its batch.
    // The provider is asked for the batch; found, it is recorded and taken up (a request it holds no result for is
    // submitted again); not found, the submission is marked done and its requests go into new batches as they come.
    // Anthropic's batches are found by a guess (time and size): one of several alike submissions (HalveAsync's halves,
    // full files of MaxRequestsPerBatch) or several candidate batches could be swapped, and every request paid twice.
    // Then none is taken up: the submission is marked done, its requests go into new batches, and the summary says so.
    private async Task AdoptAsync(string submissionId, JsonObject submission, bool alike, HashSet<string> known, CancellationToken cancellationToken)
    {
        var model = ModelSpec.Parse(submission["model"]!.GetValue<string>());
        if (Api(model) is not { } api)
        {
            return;
        }

        var keys = submission["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ToList();
        var since = DateTimeOffset.Parse(submission["submitted_at"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        BatchInfo? info;
        try
        {
            info = alike && api is AnthropicBatchApi
                ? throw new AmbiguousBatchException($"another unrecorded submission of {keys.Count} requests of {model} was made within {BatchInfo.ClockSkew.TotalMinutes:0} minutes of it.")
                : await api.FindAsync(submissionId, keys.Count, since, known, cancellationToken).ConfigureAwait(false);
        }
        catch (AmbiguousBatchException ex)
        {
            Report.Warn($"Batch submission '{submissionId}' of {model} was not taken up, as its batch cannot be told apart ({ex.Message}); its requests are submitted again, and a batch it made (if any) is paid too.");
            info = null;
        }

        if (info is null)
        {
            // Marked done with its keys kept: a batch its create made after all (late) still names it for them.
            var done = (JsonObject)submission.DeepClone();
            done["done"] = true;
            await _ledger!.AppendAsync(SubmissionPrefix + submissionId, done, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        known.Add(info.Id);
        var job = new BatchJob(info.Id, model, submission["endpoint"]!.GetValue<string>(), keys, submission["tokens"]?.GetValue<long>() ?? 0, since) { Submission = submissionId, Adopted = true };
        var record = job.Record(submission["file"]?.GetValue<string>() ?? "");
        var status = Status(info.Status, collected: false);
        await WriteRecordAsync(job, record, status).ConfigureAwait(false);
        Restore(job.Id, record, status, submission);
    }

    // Two submissions of the same model and number of requests recorded within the guess's window of each other.
    private static bool Alike(JsonObject submission, JsonObject other) =>
        submission["model"]?.GetValue<string>() == other["model"]?.GetValue<string>()
        && submission["keys"]?.AsArray().Count == other["keys"]?.AsArray().Count
        && (DateTimeOffset.Parse(submission["submitted_at"]!.GetValue<string>(), CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse(other["submitted_at"]!.GetValue<string>(), CultureInfo.InvariantCulture)).Duration() <= BatchInfo.ClockSkew * 2;

    /// <summary>
    /// In a shared run, the batch another worker put <paramref name="key"/> in since this run read the ledger: taken up
    /// (its keys wait for it, and it is polled if pending) unless it is known here already or was collected.
    /// </summary>
    private async Task FindSharedAsync(string key, CancellationToken cancellationToken)
    {
        if (!_setup.Shared || _ledger is null || _restored.ContainsKey(key)
            || await _ledger.TryGetAsync(RequestPrefix + key, cancellationToken).ConfigureAwait(false) is not { } placed
            || placed["batch"]?.GetValue<string>() is not { } id)
        {
            return;
        }

        lock (_restoring)
        {
            if (_restoredIds.Contains(id))
            {
                return;
            }
        }

        var found = await _ledger.TryGetManyAsync([Prefix + id, Prefix + id + StatusSuffix], cancellationToken).ConfigureAwait(false);
        if (found[0] is JsonObject batch)
        {
            var submission = batch["keys"] is null && batch["submission"]?.GetValue<string>() is { } submitted
                ? await _ledger.TryGetAsync(SubmissionPrefix + submitted, cancellationToken).ConfigureAwait(false) as JsonObject
                : null;
            Restore(id, batch, found[1] as JsonObject, submission);
        }
    }

    // Takes up a recorded batch (once per run): unless collected, its keys (in the record, or in the submission it names)
    // wait for it; pending, it counts in its model's token budget and is polled now.
    private void Restore(string id, JsonObject batch, JsonObject? status, JsonObject? submission)
    {
        lock (_restoring)
        {
            if (!_restoredIds.Add(id))
            {
                return;
            }
        }

        if (status?["collected"]?.GetValue<bool>() == true)
        {
            return;
        }

        var model = ModelSpec.Parse(batch["model"]!.GetValue<string>());
        if (Api(model) is null)
        {
            return;
        }

        var job = new BatchJob(
            id,
            model,
            batch["endpoint"]!.GetValue<string>(),
            [.. (batch["keys"] ?? submission?["keys"] ?? throw new FormatException($"Batch '{id}' records no keys, and its submission '{batch["submission"]}' is not in the batches ledger.")).AsArray().Select(k => k!.GetValue<string>())],
            batch["tokens"]?.GetValue<long>() ?? 0,
            DateTimeOffset.Parse(batch["submitted_at"]!.GetValue<string>(), CultureInfo.InvariantCulture))
        {
            Status = status?["status"]?.GetValue<string>() ?? "validating",
            Submission = batch["submission"]?.GetValue<string>(),
            Adopted = batch["adopted"]?.GetValue<bool>() == true,
        };
        foreach (var key in job.Keys)
        {
            _restored[key] = job;
        }

        Report.Seen(job);
        Started(job);
        var pending = job.Status is "validating" or "in_progress" or "finalizing" or "cancelling";
        if (pending)
        {
            Budget(model).Add(job.Tokens);
            job.Reserved = true;
        }

        // A batch taken up is collected whether or not its requests are asked again: it may hold other requests of
        // the run (see Unclaimed), and every answer it holds goes to the ledger.
        if ((pending || job.Adopted) && job.TryStart())
        {
            Track(Lane(model, job.Endpoint).ResumeAsync(job));
        }
    }
}
