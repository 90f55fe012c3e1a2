using System.Buffers;
using System.Text.Json;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// The test server's files and batches: a batch is validated when it is created (unique <c>custom_id</c>s, the
/// enqueued-token limit), then moves through the scripted statuses, and is answered when its processing time has passed
/// on the server's clock: each line as the chat or embeddings endpoint would answer it, some failed into the error file,
/// some left unanswered when it expires.
/// </summary>
internal sealed class BatchStore(TestServerOptions options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (byte[] Content, string Name, string Purpose, DateTimeOffset Created)> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BatchState> _batches = new(StringComparer.Ordinal);
    private long _workTicks;
    private long _enqueued;
    private long _peak;
    private int _next;
    private int _expired;

    public long FilesUploaded { get; private set; }

    public long BatchesCreated { get; private set; }

    public long BatchedRequests { get; private set; }

    public long TokenLimitRejections { get; private set; }

    /// <summary>Time spent in the files and batches endpoints, added up over requests (see <see cref="OpenAICompatibleServer.BatchWorkTime"/>).</summary>
    public TimeSpan WorkTime => TimeSpan.FromTicks(Interlocked.Read(ref _workTicks));

    /// <summary>Bytes of all files the server holds (uploaded, output and error files).</summary>
    public long FileBytes
    {
        get
        {
            lock (_lock)
            {
                return _files.Values.Sum(f => (long)f.Content.Length);
            }
        }
    }

    public void Worked(TimeSpan time) => Interlocked.Add(ref _workTicks, time.Ticks);

    public long EnqueuedTokens
    {
        get
        {
            lock (_lock)
            {
                return _enqueued;
            }
        }
    }

    public long PeakEnqueuedTokens
    {
        get
        {
            lock (_lock)
            {
                return _peak;
            }
        }
    }

    // Azure input files still pending, with the metadata reads each has left before it is processed.
    private readonly Dictionary<string, int> _pending = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the file is still being processed (Azure: <see cref="TestServerOptions.AzureFilePendingReads"/>); a read of
    /// its metadata (<paramref name="read"/>) counts towards it being processed.
    /// </summary>
    public bool Pending(string id, bool read)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(id, out var left))
            {
                return false;
            }

            if (read && --left <= 0)
            {
                _pending.Remove(id);
            }
            else if (read)
            {
                _pending[id] = left;
            }

            return true;
        }
    }

    /// <summary>Marks an Azure upload as pending for its first <see cref="TestServerOptions.AzureFilePendingReads"/> metadata reads.</summary>
    public void MarkPending(string id)
    {
        lock (_lock)
        {
            if (options.AzureFilePendingReads > 0)
            {
                _pending[id] = options.AzureFilePendingReads;
            }
        }
    }

    public string AddFile(byte[] content, string name, string purpose)
    {
        lock (_lock)
        {
            var id = $"file-{++_next:D6}";
            _files[id] = (content, name, purpose, options.TimeProvider.GetUtcNow());
            FilesUploaded += purpose == "batch" ? 1 : 0;
            return id;
        }
    }

    public (byte[] Content, string Name, string Purpose, DateTimeOffset Created)? File(string id)
    {
        lock (_lock)
        {
            return _files.TryGetValue(id, out var file) ? file : null;
        }
    }

    public BatchState? Batch(string id)
    {
        lock (_lock)
        {
            if (!_batches.TryGetValue(id, out var batch))
            {
                return null;
            }

            Advance(batch);
            return batch;
        }
    }

    public IReadOnlyList<BatchState> Batches()
    {
        lock (_lock)
        {
            return [.. _batches.Values.OrderBy(b => b.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// A page of the batches (Anthropic's message batches when <paramref name="messageBatches"/>, else the others), newest
    /// first: up to <paramref name="limit"/> of them after the batch <paramref name="after"/> (none or empty: from the newest).
    /// </summary>
    public (List<BatchState> Page, bool HasMore) Page(bool messageBatches, string? after, int limit)
    {
        var newestFirst = Batches().Where(b => b.IsMessageBatch == messageBatches).Reverse().ToList();
        var start = string.IsNullOrEmpty(after) ? 0 : newestFirst.FindIndex(b => b.Id == after) + 1;
        var page = newestFirst.Skip(start).Take(limit).ToList();
        return (page, start + page.Count < newestFirst.Count);
    }

    /// <summary>Creates a batch of <paramref name="fileId"/>; null when there is no such file.</summary>
    /// <param name="fileId">The uploaded file of request lines.</param>
    /// <param name="endpoint">The endpoint every line must name.</param>
    /// <param name="deployment">The deployment answering the lines, or null for each line's own model.</param>
    /// <param name="oneModel">Whether every line must name the same model (Azure's deployment), else the batch fails with <c>model_mismatch</c>.</param>
    /// <exception cref="BadRequestException">The file is not a batch file for <paramref name="endpoint"/>.</exception>
    public BatchState? Create(string fileId, string endpoint, string? deployment, bool oneModel = false)
    {
        byte[] content;
        lock (_lock)
        {
            if (!_files.TryGetValue(fileId, out var file))
            {
                return null;
            }

            content = file.Content;
        }

        var (lines, tokens, duplicate, models) = Scan(content, endpoint);
        lock (_lock)
        {
            var messages = endpoint == AnthropicBatchLine.Endpoint;
            var batch = new BatchState($"{(messages ? "msgbatch" : "batch")}_{++_next:D6}", fileId, endpoint, deployment, options.TimeProvider.GetUtcNow(), lines, tokens);
            _batches[batch.Id] = batch;
            BatchesCreated++;
            if (duplicate is not null)
            {
                Fail(batch, "duplicate_custom_id", $"The custom_id '{duplicate}' appears more than once in the file.");
            }
            else if (oneModel && models.Count > 1)
            {
                Fail(batch, "model_mismatch", $"Every line of a batch must name the same deployment; this file names {string.Join(", ", models.Order(StringComparer.Ordinal))}.");
            }
            else if (!messages && options.MaxEnqueuedTokens is { } limit && _enqueued + tokens > limit)
            {
                TokenLimitRejections++;
                Fail(batch, "token_limit_exceeded", $"Enqueued token limit reached: {_enqueued} enqueued, this batch {tokens}, limit {limit}.");
            }
            else
            {
                _enqueued += tokens;
                _peak = Math.Max(_peak, _enqueued);
                BatchedRequests += lines;
            }

            return batch;
        }
    }

    public BatchState? Cancel(string id)
    {
        lock (_lock)
        {
            if (!_batches.TryGetValue(id, out var batch))
            {
                return null;
            }

            if (!batch.IsDone)
            {
                Finish(batch, "cancelled");
            }

            return batch;
        }
    }

    // Statuses move on each time a batch is read: first the scripted ones, then in_progress until the processing time
    // has passed, then it is answered.
    private void Advance(BatchState batch)
    {
        if (batch.IsDone)
        {
            return;
        }

        batch.Polls++;
        if (batch.Polls <= options.BatchStatuses.Count)
        {
            batch.Status = options.BatchStatuses[batch.Polls - 1];
            return;
        }

        if (options.TimeProvider.GetUtcNow() - batch.Created < options.BatchProcessingTime)
        {
            batch.Status = "in_progress";
            return;
        }

        var expires = options.BatchAnsweredBeforeExpiry is not null && _expired < options.BatchesToExpire;
        if (expires)
        {
            _expired++;
        }

        Finish(batch, expires ? "expired" : "completed");
    }

    private void Fail(BatchState batch, string code, string message)
    {
        batch.Status = "failed";
        batch.ErrorCode = code;
        batch.ErrorMessage = message;
    }

    // Answers the batch: its lines in order, every n-th failed as BatchFailedLineFraction says, and for an expired or
    // cancelled batch only the first BatchAnsweredBeforeExpiry of its lines.
    private void Finish(BatchState batch, string status)
    {
        _enqueued -= batch.Tokens;
        var answered = status == "completed" ? batch.Lines : (int)Math.Floor(batch.Lines * (options.BatchAnsweredBeforeExpiry ?? 0));
        var output = new ArrayBufferWriter<byte>();
        var errors = new ArrayBufferWriter<byte>();
        var content = _files[batch.InputFileId].Content;
        var index = 0;
        foreach (var line in Lines(content))
        {
            if (index >= answered)
            {
                if (!batch.IsMessageBatch)
                {
                    break;
                }

                // A message batch has a result line for every request, those it did not get to included.
                using var unanswered = JsonDocument.Parse(line);
                AnthropicBatchLine.WriteUnanswered(output, unanswered.RootElement, status == "expired" ? "expired" : "canceled");
                batch.Unanswered++;
                index++;
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var fails = (int)Math.Floor((index + 1) * options.BatchFailedLineFraction) > (int)Math.Floor(index * options.BatchFailedLineFraction);
            if (batch.IsMessageBatch)
            {
                AnthropicBatchLine.Write(output, document.RootElement, batch, index, fails, options);
            }
            else
            {
                BatchLineAnswer.Write(fails ? errors : output, document.RootElement, batch, index, fails, options);
            }

            if (fails)
            {
                batch.Failed++;
            }
            else
            {
                batch.Completed++;
            }

            index++;
        }

        batch.Status = status;
        if (output.WrittenCount > 0 || status == "completed")
        {
            batch.OutputFileId = AddFile(output.WrittenSpan.ToArray(), $"{batch.Id}_output.jsonl", "batch_output");
        }

        if (errors.WrittenCount > 0)
        {
            batch.ErrorFileId = AddFile(errors.WrittenSpan.ToArray(), $"{batch.Id}_error.jsonl", "batch_output");
        }
    }

    private (int Lines, long Tokens, string? Duplicate, HashSet<string> Models) Scan(byte[] content, string endpoint)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var models = new HashSet<string>(StringComparer.Ordinal);
        int lines = 0;
        long tokens = 0;
        string? duplicate = null;
        foreach (var line in Lines(content))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new BadRequestException($"Line {lines + 1} of the batch file is not JSON: {e.Message}");
            }

            using (document)
            {
                var root = document.RootElement;
                var id = root.TryGetProperty("custom_id", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : throw new BadRequestException($"Line {lines + 1} of the batch file has no string custom_id.");
                if (!ids.Add(id))
                {
                    duplicate ??= id;
                }

                if (endpoint == AnthropicBatchLine.Endpoint)
                {
                    lines++;
                    continue;
                }

                if (!root.TryGetProperty("url", out var url) || url.GetString() != endpoint)
                {
                    throw new BadRequestException($"Line {lines + 1} of the batch file is for '{(url.ValueKind == JsonValueKind.String ? url.GetString() : null)}', not the batch's endpoint '{endpoint}'.");
                }

                var body = root.GetProperty("body");
                if (body.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
                {
                    models.Add(model.GetString()!);
                }

                tokens += BatchLineAnswer.EstimateTokens(body);
                lines++;
            }
        }

        return (lines, tokens, duplicate, models);
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Lines(byte[] content)
    {
        var start = 0;
        while (start < content.Length)
        {
            var end = Array.IndexOf(content, (byte)'\n', start);
            if (end < 0)
            {
                end = content.Length;
            }

            if (end > start)
            {
                yield return content.AsMemory(start, end - start);
            }

            start = end + 1;
        }
    }
}
