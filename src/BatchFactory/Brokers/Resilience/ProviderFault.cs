using System.ClientModel;

namespace BatchFactory.Brokers.Resilience;

/// <summary>What a call's final failure says about its provider, for <see cref="CircuitBreaker"/>.</summary>
internal enum ProviderFaultKind
{
    /// <summary>Says nothing (an unknown error): not counted.</summary>
    None,

    /// <summary>The provider answered, refusing the request itself (HTTP 400, 422, a 429 past the retries…): the provider is up.</summary>
    Answered,

    /// <summary>A connection error, timeout or HTTP 5xx: counted towards the thresholds.</summary>
    Unhealthy,

    /// <summary>HTTP 401 or 403: the key is refused.</summary>
    Auth,

    /// <summary>HTTP 404: the provider says the model does not exist.</summary>
    NotFound,
}

/// <summary>A failure's kind with a reason for people and the HTTP status, if there was one.</summary>
internal readonly record struct ProviderFault(ProviderFaultKind Kind, string Reason, int? StatusCode)
{
    /// <summary>Classifies <paramref name="exception"/>, read the way <see cref="TransientFailure.TryClassify"/> reads them.</summary>
    public static ProviderFault Of(Exception exception) => exception switch
    {
        ClientResultException { Status: 0 } noResponse => noResponse.InnerException is { } inner ? Of(inner) : new(ProviderFaultKind.Unhealthy, "connection error", null),
        ClientResultException response => FromStatus(response.Status),
        HttpRequestException { StatusCode: { } status } => FromStatus((int)status),
        HttpRequestException => new(ProviderFaultKind.Unhealthy, "connection error", null),
        IOException => new(ProviderFaultKind.Unhealthy, "connection error", null),
        TimeoutException or OperationCanceledException => new(ProviderFaultKind.Unhealthy, "timeout", null),
        _ => new(ProviderFaultKind.None, exception.GetType().Name, null),
    };

    private static ProviderFault FromStatus(int status) => status switch
    {
        401 or 403 => new(ProviderFaultKind.Auth, $"HTTP {status}", status),
        404 => new(ProviderFaultKind.NotFound, "HTTP 404", status),
        >= 500 => new(ProviderFaultKind.Unhealthy, $"HTTP {status}", status),
        _ => new(ProviderFaultKind.Answered, $"HTTP {status}", status),
    };
}
