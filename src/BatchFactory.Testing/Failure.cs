namespace BatchFactory.Testing;

/// <summary>
/// A scripted misbehaviour of <see cref="OpenAICompatibleServer"/> for one request: an error status, an aborted
/// connection or a slow answer. Queue one with <see cref="OpenAICompatibleServer.FailNext"/> or return one from
/// <see cref="TestServerOptions.FailureSelector"/>. Instances are immutable and can be reused.
/// </summary>
public sealed class Failure
{
    private Failure(FailureKind kind, int statusCode, int? retryAfterSeconds, TimeSpan delay)
    {
        Kind = kind;
        StatusCode = statusCode;
        RetryAfterSeconds = retryAfterSeconds;
        Delay = delay;
    }

    /// <summary>What the failure does.</summary>
    public FailureKind Kind { get; }

    /// <summary>The HTTP status answered when <see cref="Kind"/> is <see cref="FailureKind.Status"/>; otherwise 0.</summary>
    public int StatusCode { get; }

    /// <summary>
    /// The value of the <c>Retry-After</c> header in whole seconds (also sent as <c>retry-after-ms</c>), or
    /// <see langword="null"/> to send no such header. Only used when <see cref="Kind"/> is <see cref="FailureKind.Status"/>.
    /// </summary>
    public int? RetryAfterSeconds { get; }

    /// <summary>The extra wait before answering when <see cref="Kind"/> is <see cref="FailureKind.Slow"/>; otherwise zero.</summary>
    public TimeSpan Delay { get; }

    /// <summary>429 Too Many Requests with <c>Retry-After: <paramref name="retryAfterSeconds"/></c>.</summary>
    /// <param name="retryAfterSeconds">Seconds the client is asked to wait; default 1. Must not be negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retryAfterSeconds"/> is negative.</exception>
    public static Failure TooManyRequests(int retryAfterSeconds = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retryAfterSeconds);
        return new Failure(FailureKind.Status, 429, retryAfterSeconds, TimeSpan.Zero);
    }

    /// <summary>500 Internal Server Error, without <c>Retry-After</c>.</summary>
    public static Failure ServerError() => HttpStatus(500);

    /// <summary>503 Service Unavailable.</summary>
    /// <param name="retryAfterSeconds">Seconds for a <c>Retry-After</c> header, or <see langword="null"/> (the default) for none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retryAfterSeconds"/> is negative.</exception>
    public static Failure ServiceUnavailable(int? retryAfterSeconds = null) => HttpStatus(503, retryAfterSeconds);

    /// <summary>Any HTTP error status from 400 to 599 with an OpenAI-style error body.</summary>
    /// <param name="statusCode">The status to answer, 400–599.</param>
    /// <param name="retryAfterSeconds">Seconds for a <c>Retry-After</c> header, or <see langword="null"/> (the default) for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="statusCode"/> is outside 400–599, or <paramref name="retryAfterSeconds"/> is negative.
    /// </exception>
    public static Failure HttpStatus(int statusCode, int? retryAfterSeconds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        if (retryAfterSeconds is { } seconds)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(retryAfterSeconds));
        }

        return new Failure(FailureKind.Status, statusCode, retryAfterSeconds, TimeSpan.Zero);
    }

    /// <summary>Abort the connection (<c>HttpContext.Abort()</c>) after the configured latency, without answering.</summary>
    public static Failure Abort() => new(FailureKind.Abort, 0, null, TimeSpan.Zero);

    /// <summary>Answer normally, but only after <paramref name="delay"/> more than the configured latency.</summary>
    /// <param name="delay">The extra wait; must not be negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public static Failure Slow(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new Failure(FailureKind.Slow, 0, null, delay);
    }

    /// <summary>A short description such as <c>Status 429 (Retry-After 1 s)</c>, <c>Abort</c> or <c>Slow 00:00:02</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Kind switch
    {
        FailureKind.Status when RetryAfterSeconds is { } s => $"Status {StatusCode} (Retry-After {s} s)",
        FailureKind.Status => $"Status {StatusCode}",
        FailureKind.Slow => $"Slow {Delay}",
        _ => Kind.ToString(),
    };
}
