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
    public static bool Is(Exception error) => error switch
    {
        ClientResultException result => result.Status is 0 or >= 500,
        Anthropic5xxException or AnthropicIOException => true,
        AnthropicApiException => false,
        HttpRequestException or IOException or TimeoutException => true,

        // A client's own timeout (not the run being stopped, which is no failure of the call).
        OperationCanceledException cancelled => cancelled.InnerException is TimeoutException,
        _ => error.InnerException is { } inner && Is(inner),
    };
}
