namespace BatchFactory.Testing;

/// <summary>
/// Settings of an <see cref="OpenAICompatibleServer"/>. They are copied and validated by
/// <see cref="OpenAICompatibleServer.StartAsync"/>; changing this object afterwards does not affect a running server.
/// </summary>
public sealed class TestServerOptions
{
    /// <summary>
    /// How long every chat and embeddings request waits, after its body was read and before it is answered or
    /// failed. Awaited with <c>Task.Delay</c> on <see cref="TimeProvider"/>, so thousands of requests can wait at once.
    /// Default <see cref="TimeSpan.Zero"/> (no wait). Must not be negative.
    /// </summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Computes the assistant's reply text of a chat request. Default <see langword="null"/>: the reply is
    /// <c>Echo[&lt;model&gt;]: &lt;last user message&gt;</c> (see <see cref="ChatRequestInfo.LastUserMessage"/>), or for
    /// a request with a JSON schema, JSON the schema accepts, made from a hash of the request (see <see cref="BadAnswers"/>).
    /// It is called concurrently from many requests; if it throws, the request is answered with 500.
    /// </summary>
    public Func<ChatRequestInfo, string>? ChatResponder { get; set; }

    /// <summary>
    /// Decides, per chat request with a JSON schema (<see cref="ChatRequestInfo.JsonSchema"/>), whether to answer it
    /// badly, and how; return <see langword="null"/> for a valid answer. Use <see cref="ChatRequestInfo.Attempt"/> to
    /// answer badly only the first n attempts of each request, e.g.
    /// <c>info => info.Attempt &lt; 2 ? BadAnswerKind.WrongType : null</c>. Default <see langword="null"/> (always valid).
    /// Not consulted when <see cref="ChatResponder"/> is set. It is called concurrently from many requests.
    /// </summary>
    public Func<ChatRequestInfo, BadAnswerKind?>? BadAnswers { get; set; }

    /// <summary>
    /// Decides, per chat or embeddings request, whether to fail it; return <see langword="null"/> to answer normally.
    /// Consulted only when no failure queued by <see cref="OpenAICompatibleServer.FailNext"/> is left. Use
    /// <see cref="ReceivedRequest.Number"/> to fail e.g. every tenth request. Default <see langword="null"/> (never fail).
    /// It is called concurrently from many requests.
    /// </summary>
    public Func<ReceivedRequest, Failure?>? FailureSelector { get; set; }

    /// <summary>
    /// The length of embedding vectors when a request does not ask for <c>dimensions</c>. Default 8; 1 to 65,536.
    /// </summary>
    public int EmbeddingDimensions { get; set; } = 8;

    /// <summary>
    /// The port to listen on, on 127.0.0.1. Default 0: a free port. Set it to restart a stopped server at the address
    /// clients already know (e.g. a server of a pool coming back). 0 to 65,535.
    /// </summary>
    public int Port { get; set; }

    /// <summary>
    /// The model names <c>GET /v1/models</c> lists, in this order: in OpenAI's shape, or in Anthropic's (pages of
    /// <c>limit</c> models, default 20, with <c>has_more</c>, <c>first_id</c> and <c>last_id</c>; <c>after_id</c> and
    /// <c>before_id</c> honoured) to a client that sends <c>anthropic-version</c>. Default <see langword="null"/>: that
    /// endpoint answers 404, as on servers without a list, and clients accept any model name. Chat, messages and
    /// embeddings requests are answered whatever model they name either way.
    /// </summary>
    public IReadOnlyList<string>? Models { get; set; }

    /// <summary>
    /// How many of the most recent requests <see cref="OpenAICompatibleServer.Requests"/> keeps; older ones are
    /// dropped (the counters still count them). Default 100,000; 0 keeps none. Must not be negative.
    /// </summary>
    public int MaxRecordedRequests { get; set; } = 100_000;

    /// <summary>
    /// The clock for <see cref="ReceivedRequest.ReceivedAt"/>, the <c>created</c> field of answers, and the waits of
    /// <see cref="Latency"/> and <see cref="Failure.Slow"/>. Default <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// How long a batch takes on <see cref="TimeProvider"/> from its creation until it is answered (when it is next
    /// read after that). Default <see cref="TimeSpan.Zero"/>: answered on the first read. Must not be negative.
    /// </summary>
    public TimeSpan BatchProcessingTime { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Statuses a batch reports on its first reads, one per read, before <see cref="BatchProcessingTime"/> is looked at,
    /// e.g. <c>["validating", "in_progress", "finalizing"]</c>. Default none.
    /// </summary>
    public IReadOnlyList<string> BatchStatuses { get; set; } = [];

    /// <summary>
    /// The fraction of a batch's answered lines that fail (HTTP 500 lines in its error file), spread evenly: 0.1 fails
    /// lines 10, 20, 30, … Default 0. From 0 to 1.
    /// </summary>
    public double BatchFailedLineFraction { get; set; }

    /// <summary>
    /// When set, the first <see cref="BatchesToExpire"/> batches end <c>expired</c> instead of <c>completed</c>, with
    /// only this fraction of their lines (the first ones) answered; the same fraction is answered when a batch is
    /// cancelled. Default <see langword="null"/>: batches complete (a cancelled one has no answers). From 0 to 1.
    /// </summary>
    public double? BatchAnsweredBeforeExpiry { get; set; }

    /// <summary>How many batches, the first created, expire when <see cref="BatchAnsweredBeforeExpiry"/> is set. Default 1; 0 or more.</summary>
    public int BatchesToExpire { get; set; } = 1;

    /// <summary>
    /// The enqueued-token limit: a batch whose tokens (⌈characters / 4⌉ of its messages or inputs plus each line's
    /// <c>max_completion_tokens</c>) would take the tokens of unfinished batches over it fails validation with
    /// <c>token_limit_exceeded</c>. Default <see langword="null"/>: no limit. At least 1 when set.
    /// </summary>
    public long? MaxEnqueuedTokens { get; set; }

    /// <summary>
    /// Keeps batch files (uploads, output and error files) on disk, in a temporary folder of the server's own that is
    /// deleted when the server is disposed, instead of in memory; they are read and written a buffer at a time. Default
    /// <see langword="false"/>: in memory. Lets a benchmark in the same process count only the client's memory.
    /// </summary>
    public bool BatchFilesOnDisk { get; set; }

    /// <summary>
    /// How many reads of its metadata (<c>GET /openai/files/{id}</c>) an uploaded Azure file stays <c>pending</c> before it
    /// is <c>processed</c>; creating a batch of a pending file is refused (400, "Only files with status 'Processed' are
    /// accepted"), as Azure OpenAI refuses it. Default 0: processed at once. Not negative.
    /// </summary>
    public int AzureFilePendingReads { get; set; }

    /// <summary>
    /// Scripts a failure of a files or batches call (OpenAI's, Azure's or Anthropic's), given as method and path, e.g.
    /// <c>"POST /v1/batches"</c> or <c>"GET /openai/batches"</c> (no query string). The call is carried out first (a
    /// batch is created, a list read), then the failure replaces its answer: an error status, an aborted connection, or
    /// the answer after a delay on <see cref="TimeProvider"/>; so a failed create may still have created its batch, as a
    /// provider's timed-out create may have. Default <see langword="null"/>: none.
    /// </summary>
    public Func<string, Failure?>? BatchFailureSelector { get; set; }

    /// <summary>
    /// Keeps the body of each chat and messages request in <see cref="ReceivedRequest.Body"/>, to compare what a client
    /// sent. Default <see langword="false"/> (bodies are not kept).
    /// </summary>
    public bool RecordBodies { get; set; }

    /// <summary>Returns a validated copy, so later changes to this instance do not reach a running server.</summary>
    internal TestServerOptions CopyValidated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Latency, TimeSpan.Zero, nameof(Latency));
        ArgumentOutOfRangeException.ThrowIfLessThan(EmbeddingDimensions, 1, nameof(EmbeddingDimensions));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EmbeddingDimensions, Internal.EmbeddingRequest.MaxDimensions, nameof(EmbeddingDimensions));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRecordedRequests, nameof(MaxRecordedRequests));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchProcessingTime, TimeSpan.Zero, nameof(BatchProcessingTime));
        ArgumentNullException.ThrowIfNull(BatchStatuses, nameof(BatchStatuses));
        ArgumentOutOfRangeException.ThrowIfNegative(BatchFailedLineFraction, nameof(BatchFailedLineFraction));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchFailedLineFraction, 1, nameof(BatchFailedLineFraction));
        if (BatchAnsweredBeforeExpiry is { } answered)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(answered, nameof(BatchAnsweredBeforeExpiry));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(answered, 1, nameof(BatchAnsweredBeforeExpiry));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(BatchesToExpire, nameof(BatchesToExpire));
        ArgumentOutOfRangeException.ThrowIfNegative(AzureFilePendingReads, nameof(AzureFilePendingReads));
        if (MaxEnqueuedTokens is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, nameof(MaxEnqueuedTokens));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65_535, nameof(Port));
        var copy = (TestServerOptions)MemberwiseClone();
        copy.BatchStatuses = [.. BatchStatuses];
        copy.Models = Models is null ? null : [.. Models];
        return copy;
    }
}
