namespace BatchFactory.Brokers;

/// <summary>A batch answered a request with an error line, or not at all: the request failed, and the op's failure policy applies.</summary>
internal sealed class BatchRequestException(string message) : Exception(message);
