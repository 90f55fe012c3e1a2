using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// Limits for <see cref="RateLimitingChatClient"/> and <see cref="RateLimitingEmbeddingGenerator"/>: requests per minute,
/// tokens per minute and calls in flight. Checked when the decorator is made; set the limits your provider gives your key.
/// </summary>
/// <remarks>
/// <para>
/// The per-minute limits are sliding logs: a request, and its tokens, count for exactly one minute from the moment they
/// were let through. No minute, wherever it starts, sees more than the limit, so there is no burst above it (a token
/// bucket holding a minute's worth would let twice the limit through in the first minute; a segmented sliding window
/// lets one segment's worth more through a minute that straddles segments), and a saturated limiter lets exactly the
/// limit through per minute.
/// </para>
/// <para>
/// Tokens are reserved before a call from an estimate, as providers do themselves: the caller's own figure in
/// <see cref="ChatOptions.AdditionalProperties"/> (or <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>)
/// under <see cref="ExpectedTokensKey"/>, else the prompt's characters / 4 plus <see cref="ChatOptions.MaxOutputTokens"/>
/// (or <see cref="ExpectedOutputTokens"/> when that is not set). When the call returns, the reservation is settled to the
/// provider's count (<see cref="ChatResponse.Usage"/>): what was not used is given back at once, an overage is taken
/// from the minute, so the long-run rate matches the limit. A call that fails, or reports no usage, keeps its
/// reservation. A reservation larger than the whole limit is cut to the limit: that call waits for an empty minute.
/// </para>
/// </remarks>
public sealed class RateLimitOptions
{
    /// <summary>
    /// The key in <see cref="ChatOptions.AdditionalProperties"/> or <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>
    /// under which a caller gives its own estimate of the tokens a request will use (input plus output), as a whole
    /// number (an <see cref="int"/>, <see cref="long"/>, numeric string or JSON number): <c>batchfactory.expected_tokens</c>.
    /// </summary>
    public const string ExpectedTokensKey = "batchfactory.expected_tokens";

    /// <summary>
    /// Requests let through in any one minute, or <see langword="null"/> for no limit. Default <see langword="null"/>.
    /// Each attempt of a retried call is a request.
    /// </summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>
    /// Tokens (input plus output) reserved in any one minute, or <see langword="null"/> for no limit. Default
    /// <see langword="null"/>.
    /// </summary>
    public int? TokensPerMinute { get; init; }

    /// <summary>Calls in flight at once; further calls wait their turn, first come first served. Default 16.</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>
    /// Output tokens a chat request is expected to use when it sets no <see cref="ChatOptions.MaxOutputTokens"/> and
    /// gives no <see cref="ExpectedTokensKey"/>; only used with <see cref="TokensPerMinute"/>. Default 256.
    /// </summary>
    public int ExpectedOutputTokens { get; init; } = 256;

    /// <summary>The clock the per-minute limits run on. Default <see cref="TimeProvider.System"/>; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws if an option is out of range.</summary>
    internal void Validate()
    {
        if (RequestsPerMinute is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestsPerMinute), RequestsPerMinute, "RequestsPerMinute must be 1 or more, or null for no limit.");
        }

        if (TokensPerMinute is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TokensPerMinute), TokensPerMinute, "TokensPerMinute must be 1 or more, or null for no limit.");
        }

        if (MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "MaxConcurrency must be 1 or more (int.MaxValue for no limit).");
        }

        if (ExpectedOutputTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ExpectedOutputTokens), ExpectedOutputTokens, "ExpectedOutputTokens must be 0 or more.");
        }

        if (TimeProvider is null)
        {
            throw new ArgumentNullException(nameof(TimeProvider), "TimeProvider must be set (TimeProvider.System for the real clock).");
        }
    }
}
