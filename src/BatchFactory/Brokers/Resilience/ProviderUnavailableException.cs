namespace BatchFactory;

/// <summary>
/// A provider was found unavailable for a model (see <see cref="CircuitBreakerOptions"/>): its API key was refused, it
/// says the model does not exist, or too many calls failed to reach it. The circuit breaker for the model is open; a run
/// stops with this exception whatever its ops' <see cref="OnCallFailure"/>, keeping every answer received so far, so a
/// rerun after the fault is fixed makes only the missing calls.
/// </summary>
public sealed class ProviderUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="model">The model and provider, <c>model@provider</c>.</param>
    /// <param name="reason">Why the breaker opened, for people, e.g. <c>HTTP 401</c> or <c>20 connection errors in a row</c>.</param>
    /// <param name="statusCode">The HTTP status that opened the breaker, if there was a response.</param>
    /// <param name="failedCalls">Calls that had failed through the breaker when it opened.</param>
    /// <param name="message">The whole message, saying what to check.</param>
    /// <param name="innerException">The failure that opened the breaker, or <see langword="null"/>.</param>
    public ProviderUnavailableException(string model, string reason, int? statusCode, int failedCalls, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Model = model;
        Reason = reason;
        StatusCode = statusCode;
        FailedCalls = failedCalls;
    }

    /// <summary>The model and provider whose breaker opened, <c>model@provider</c>.</summary>
    public string Model { get; }

    /// <summary>Why the breaker opened, for people: <c>HTTP 401</c>, <c>HTTP 404</c>, <c>20 failures in a row (last: connection error)</c>…</summary>
    public string Reason { get; }

    /// <summary>The HTTP status of the failure that opened the breaker, or <see langword="null"/> when there was no response.</summary>
    public int? StatusCode { get; }

    /// <summary>Calls that had failed through the breaker (connection errors, timeouts, 5xx, 401, 403, 404) when it opened.</summary>
    public int FailedCalls { get; }

    /// <summary>
    /// Whether this call was refused or cancelled by the open breaker rather than failing on its own: it has no failure
    /// of its own to record.
    /// </summary>
    internal bool Refused { get; init; }
}
