using System.ClientModel;
using Anthropic.Exceptions;

namespace BatchFactory.Brokers;

/// <summary>Failures of a create call that leave it unknown whether the provider made the batch.</summary>
internal static class UnclearFailure
{
    /// <summary>
    /// Whether <paramref name="error"/> may have come after the provider made the batch: a timeout, a dropped
    /// connection, or a server error (5xx). A refusal (4xx) says the batch was not made.
    /// </summary>
    /// <param name="error">What the create call threw.</param>
    /// <param name="stopping">The token the call was given: a cancellation by another token is the client's own timeout.</param>
    public static bool Is(Exception error, CancellationToken stopping) => error switch
    {
        ClientResultException result => result.Status is 0 or >= 500,
        Anthropic5xxException or AnthropicIOException => true,
        AnthropicApiException => false,
        HttpRequestException or IOException or TimeoutException => true,

        // A client's own timeout: a cancellation by a token of the client's (the OpenAI SDK's network timeout wraps one),
        // not the run's being stopped, which is no failure of the call.
        OperationCanceledException cancelled => cancelled.InnerException is TimeoutException
            || (cancelled.CancellationToken.IsCancellationRequested && cancelled.CancellationToken != stopping)
            || (cancelled.InnerException is { } inner && Is(inner, stopping)),
        _ => error.InnerException is { } cause && Is(cause, stopping),
    };
}
