namespace BatchFactory;

/// <summary>Requests of ops in batch or auto mode that were answered live instead (<see cref="RunSummary.AnsweredLive"/>).</summary>
/// <param name="Model"><c>model@provider</c>.</param>
/// <param name="Requests">How many.</param>
/// <param name="Reason"><c>no batch API</c> or <c>auto</c>.</param>
public sealed record LiveInstead(string Model, long Requests, string Reason);
