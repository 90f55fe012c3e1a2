namespace BatchFactory.Testing;

/// <summary>What a scripted <see cref="Failure"/> does to the request it is applied to.</summary>
public enum FailureKind
{
    /// <summary>
    /// Answer with the HTTP error status <see cref="Failure.StatusCode"/> and an OpenAI-style error body,
    /// with a <c>Retry-After</c> header when <see cref="Failure.RetryAfterSeconds"/> is set.
    /// </summary>
    Status,

    /// <summary>Abort the connection without an answer; the client sees a transport error.</summary>
    Abort,

    /// <summary>Wait <see cref="Failure.Delay"/> on top of the configured latency, then answer normally.</summary>
    Slow,
}
