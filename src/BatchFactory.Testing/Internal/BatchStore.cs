using System.Buffers;
using System.Text.Json;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// The test server's files and batches: a batch is validated when it is created (unique <c>custom_id</c>s, the
/// enqueued-token limit), then moves through the scripted statuses, and is answered when its processing time has passed
/// on the server's clock: each line as the chat or embeddings endpoint would answer it, some failed into the error file,
/// some left unanswered when it expires.
/// </summary>
internal sealed partial class BatchStore(TestServerOptions options) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredFile> _files = new(StringComparer.Ordinal);

    // With TestServerOptions.BatchFilesOnDisk: the server's own folder, deleted on Dispose.
    private readonly string? _folder = options.BatchFilesOnDisk ? Path.Combine(Path.GetTempPath(), "batchfactory-testserver-" + Guid.NewGuid().ToString("N")) : null;
    private readonly Dictionary<string, BatchState> _batches = new(StringComparer.Ordinal);
    private long _workTicks;
    private long _enqueued;
    private long _peak;
    private int _next;
    private int _expired;

    /// <summary>Where files are kept with <see cref="TestServerOptions.BatchFilesOnDisk"/>; null in memory.</summary>
    public string? Folder => _folder;

    public long FilesUploaded { get; private set; }

    public long BatchesCreated { get; private set; }

    public long BatchedRequests { get; private set; }

    public long TokenLimitRejections { get; private set; }

    /// <summary>Time spent in the files and batches endpoints, added up over requests (see <see cref="OpenAICompatibleServer.BatchWorkTime"/>).</summary>
    public TimeSpan WorkTime => TimeSpan.FromTicks(Interlocked.Read(ref _workTicks));

    /// <summary>Bytes of the files the server holds in memory (uploaded, output and error files); 0 when they are on disk.</summary>
    public long FileBytes
    {
        get
        {
            lock (_lock)
            {
                return _files.Values.Sum(f => f.Content?.LongLength ?? 0);
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
        if (_folder is null)
        {
            return Add(NewId(), new StoredFile(name, purpose, Now, content.LongLength, content, null));
        }

        var (id, path) = NewPath();
        System.IO.File.WriteAllBytes(path, content);
        return Add(id, new StoredFile(name, purpose, Now, content.LongLength, null, path));
    }

    /// <summary>Adds a file with the rest of <paramref name="content"/>, copied to disk a buffer at a time when files are kept there.</summary>
    /// <returns>The file's id and length in bytes.</returns>
    public async Task<(string Id, long Length)> AddFileAsync(Stream content, string name, string purpose, CancellationToken cancellationToken)
    {
        if (_folder is null)
        {
            using var memory = new MemoryStream();
            await content.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
            var bytes = memory.ToArray();
            return (AddFile(bytes, name, purpose), bytes.LongLength);
        }

        var (id, path) = NewPath();
        long length;
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            length = file.Length;
        }

        return (Add(id, new StoredFile(name, purpose, Now, length, null, path)), length);
    }

    public StoredFile? File(string id)
    {
        lock (_lock)
        {
            return _files.GetValueOrDefault(id);
        }
    }

    /// <summary>Deletes the files kept on disk.</summary>
    public void Dispose()
    {
        if (_folder is not null && Directory.Exists(_folder))
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a request being aborted: the temporary folder is left to the system.
            }
        }
    }

    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    private string NewId()
    {
        lock (_lock)
        {
            return $"file-{++_next:D6}";
        }
    }

    private (string Id, string Path) NewPath()
    {
        Directory.CreateDirectory(_folder!);
        var id = NewId();
        return (id, Path.Combine(_folder!, id + ".jsonl"));
    }

    private string Add(string id, StoredFile file)
    {
        lock (_lock)
        {
            _files[id] = file;
            FilesUploaded += file.Purpose == "batch" ? 1 : 0;
            return id;
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
        if (File(fileId) is not { } file)
        {
            return null;
        }

        var (lines, tokens, duplicate, models) = Scan(file, endpoint);
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
        using var output = new ResultFile(this, $"{batch.Id}_output.jsonl");
        using var errors = new ResultFile(this, $"{batch.Id}_error.jsonl");
        var index = 0;
        foreach (var line in FileLines.Of(_files[batch.InputFileId]))
        {
            output.Spill();
            errors.Spill();
            if (index >= answered)
            {
                if (!batch.IsMessageBatch)
                {
                    break;
                }

                // A message batch has a result line for every request, those it did not get to included.
                using var unanswered = JsonDocument.Parse(line);
                AnthropicBatchLine.WriteUnanswered(output.Buffer, unanswered.RootElement, status == "expired" ? "expired" : "canceled");
                batch.Unanswered++;
                index++;
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var fails = (int)Math.Floor((index + 1) * options.BatchFailedLineFraction) > (int)Math.Floor(index * options.BatchFailedLineFraction);
            if (batch.IsMessageBatch)
            {
                AnthropicBatchLine.Write(output.Buffer, document.RootElement, batch, index, fails, options);
            }
            else
            {
                BatchLineAnswer.Write((fails ? errors : output).Buffer, document.RootElement, batch, index, fails, options);
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
        if (output.Length > 0 || status == "completed")
        {
            batch.OutputFileId = output.Keep();
        }

        if (errors.Length > 0)
        {
            batch.ErrorFileId = errors.Keep();
        }
    }

    private static (int Lines, long Tokens, string? Duplicate, HashSet<string> Models) Scan(StoredFile file, string endpoint)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var models = new HashSet<string>(StringComparer.Ordinal);
        int lines = 0;
        long tokens = 0;
        string? duplicate = null;
        foreach (var line in FileLines.Of(file))
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
}
