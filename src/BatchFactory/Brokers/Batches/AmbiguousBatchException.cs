namespace BatchFactory.Brokers;

/// <summary>
/// A provider without batch metadata (Anthropic) has more than one unrecorded batch that could be a submission's: none
/// is taken up, and the submission's requests are submitted again.
/// </summary>
internal sealed class AmbiguousBatchException(string message) : Exception(message);
