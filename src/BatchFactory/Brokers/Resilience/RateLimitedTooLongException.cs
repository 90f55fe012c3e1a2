namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// A call that may wait only so long for a rate limit (<see cref="CallScope.MaxWait"/>: a member of a fallback chain
/// other than its last) found the model's cool-down (after a 429) lasting longer. The chain goes on to its next member.
/// </summary>
internal sealed class RateLimitedTooLongException(string model, TimeSpan wait, TimeSpan maxWait)
    : Exception($"'{model}' is rate-limited for another {wait.TotalSeconds:0.#} s, longer than its fallback chain waits ({maxWait.TotalSeconds:0.#} s).")
{
    /// <summary>The model and provider, <c>model@provider</c>.</summary>
    public string Model { get; } = model;
}
