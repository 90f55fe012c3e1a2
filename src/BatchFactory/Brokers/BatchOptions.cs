namespace BatchFactory;

/// <summary>
/// How requests of ops in <see cref="CallMode.Batch"/> or <see cref="CallMode.Auto"/> are batched, submitted and
/// collected. Set it for every model with <see cref="RunOptions.Batch"/> and for particular models with
/// <see cref="RunOptions.BatchFor"/>. Checked when the run is built.
/// </summary>
/// <remarks>
/// Requests of one model and endpoint are written to a JSONL file in the project folder (<c>batches/</c>) as they
/// arrive; the file is sealed and submitted when it holds <see cref="MaxRequestsPerBatch"/> requests or
/// <see cref="MaxBytesPerBatch"/> bytes, when <see cref="FlushAfter"/> has passed since its first request, or when every
/// op that sends batch requests has taken in all its entries. Each submitted batch is recorded in the project's
/// <c>batches</c> ledger before it is polled, so a later run polls it instead of submitting again.
/// </remarks>
public sealed class BatchOptions
{
    /// <summary>OpenAI's limit of requests in one batch file.</summary>
    public const int OpenAIMaxRequests = 50_000;

    /// <summary>OpenAI's limit of bytes in one batch file (200 MB), also Azure OpenAI's.</summary>
    public const long OpenAIMaxBytes = 200L * 1024 * 1024;

    /// <summary>Azure OpenAI's limit of requests in one batch file.</summary>
    public const int AzureMaxRequests = 100_000;

    /// <summary>Anthropic's limit of requests in one message batch.</summary>
    public const int AnthropicMaxRequests = 100_000;

    /// <summary>Anthropic's limit of bytes in one message batch (256 MB).</summary>
    public const long AnthropicMaxBytes = 256L * 1024 * 1024;

    /// <summary>
    /// The most requests in one batch; 1 to 100,000. Default 100,000. The provider's own limit applies too, whichever is
    /// lower: <see cref="OpenAIMaxRequests"/> for OpenAI, <see cref="AzureMaxRequests"/> for Azure OpenAI,
    /// <see cref="AnthropicMaxRequests"/> for Anthropic.
    /// </summary>
    public int MaxRequestsPerBatch { get; init; } = AzureMaxRequests;

    /// <summary>
    /// The most bytes of request lines in one batch; 1 KB to 256 MB. Default 256 MB. The provider's own limit applies too,
    /// whichever is lower: <see cref="OpenAIMaxBytes"/> for OpenAI and Azure OpenAI, <see cref="AnthropicMaxBytes"/> for Anthropic.
    /// </summary>
    public long MaxBytesPerBatch { get; init; } = AnthropicMaxBytes;

    /// <summary>
    /// How long a batch file stays open after its first request before it is submitted however small it is; more than
    /// zero. Default 1 minute. (A file is also submitted as soon as the ops sending to it have taken in all their entries.)
    /// </summary>
    public TimeSpan FlushAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The model's enqueued-token limit: the estimated tokens of all its batches not yet finished stay at or under it
    /// (estimated as the TPM limiter does: prompt characters / 4 plus the request's max tokens, else
    /// <see cref="ExpectedOutputTokens"/>). Further batches are submitted as earlier ones finish. A batch the provider
    /// still rejects with <c>token_limit_exceeded</c> is halved and tried again, and the limit is lowered for the rest of
    /// the run. Default <see langword="null"/>: no limit of our own. At least 1 when set.
    /// </summary>
    public long? MaxEnqueuedTokens { get; init; }

    /// <summary>Output tokens assumed for a chat request without a max tokens setting, for <see cref="MaxEnqueuedTokens"/>; 0 or more. Default 256.</summary>
    public int ExpectedOutputTokens { get; init; } = 256;

    /// <summary>
    /// Whether the run waits for its batches' results. Default <see langword="true"/>. <see langword="false"/>: the run
    /// submits its batches and ends; entries that wait for a batch stay for the next run (like a graceful stop), which
    /// polls the recorded batches and collects their results without submitting them again.
    /// </summary>
    public bool WaitForResults { get; init; } = true;

    /// <summary>
    /// For ops in <see cref="CallMode.Auto"/>: a batch file that would hold fewer requests than this when it is sealed
    /// is not submitted; its requests are sent live instead. 0 or more. Default 100.
    /// </summary>
    public int LiveBelow { get; init; } = 100;

    /// <summary>
    /// For ops in <see cref="CallMode.Auto"/>: when answers are needed by. A request whose batch would finish after it
    /// (now plus the slowest batch turnaround seen in this run, or 24 hours before any batch finished) is sent live.
    /// Default <see langword="null"/>: no deadline.
    /// </summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>
    /// How many entries one op lets wait for batch answers at once; at least 1. Default 50,000 (one full OpenAI file).
    /// The op takes in more entries only as answers arrive, so memory stays bounded however many requests a run has,
    /// and further batches are submitted as earlier ones are answered. A batch file is therefore submitted as soon as it
    /// holds this many requests. To keep several full batches in flight at once, set a multiple of
    /// <see cref="MaxRequestsPerBatch"/> (each waiting entry costs a few kilobytes). Only <see cref="RunOptions.Batch"/>'s
    /// value counts (it bounds an op, whatever its models); entries of <see cref="RunOptions.BatchFor"/> do not change it.
    /// </summary>
    public int MaxWaitingPerOp { get; init; } = OpenAIMaxRequests;

    /// <summary>The wait before the first poll of a batch; more than zero. Default 5 seconds. Each later wait doubles, up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan FirstPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two polls of a batch; at least <see cref="FirstPollInterval"/>. Default 1 minute.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks the settings; <paramref name="name"/> says where they were given, e.g. <c>RunOptions.Batch</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it and the range.</exception>
    internal void Validate(string name) =>
        Validate((field, value, allowed) => new ArgumentOutOfRangeException(field, value, $"{name}.{field} must be {allowed} (it is {value})."));

    /// <summary>Checks the settings, throwing what <paramref name="error"/> makes of the first one out of range.</summary>
    /// <param name="error">Makes the exception from the setting's name, its value and what it must be (e.g. <c>1 to 100000</c>).</param>
    internal void Validate(Func<string, object?, string, Exception> error)
    {
        Check(MaxRequestsPerBatch is >= 1 and <= AzureMaxRequests, nameof(MaxRequestsPerBatch), MaxRequestsPerBatch, $"1 to {AzureMaxRequests}");
        Check(MaxBytesPerBatch is >= 1024 and <= AnthropicMaxBytes, nameof(MaxBytesPerBatch), MaxBytesPerBatch, $"1024 to {AnthropicMaxBytes}");
        Check(MaxWaitingPerOp >= 1, nameof(MaxWaitingPerOp), MaxWaitingPerOp, "at least 1");
        Check(FlushAfter > TimeSpan.Zero, nameof(FlushAfter), FlushAfter, "more than zero");
        Check(MaxEnqueuedTokens is null or >= 1, nameof(MaxEnqueuedTokens), MaxEnqueuedTokens, "at least 1, or null");
        Check(ExpectedOutputTokens >= 0, nameof(ExpectedOutputTokens), ExpectedOutputTokens, "0 or more");
        Check(LiveBelow >= 0, nameof(LiveBelow), LiveBelow, "0 or more");
        Check(FirstPollInterval > TimeSpan.Zero, nameof(FirstPollInterval), FirstPollInterval, "more than zero");
        Check(MaxPollInterval >= FirstPollInterval, nameof(MaxPollInterval), MaxPollInterval, "at least FirstPollInterval");

        void Check(bool ok, string field, object? value, string allowed)
        {
            if (!ok)
            {
                throw error(field, value, allowed);
            }
        }
    }
}
