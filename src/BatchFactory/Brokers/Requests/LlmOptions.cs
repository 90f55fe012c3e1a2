namespace BatchFactory;

/// <summary>
/// Settings of an LLM request that change its answer. Every setting given is part of the request's cache key, so
/// changing one makes the affected calls again. <see langword="null"/> leaves a setting to the provider's default.
/// </summary>
public sealed record LlmOptions
{
    /// <summary>Sampling temperature, usually 0–2.</summary>
    public double? Temperature { get; init; }

    /// <summary>The most tokens the answer may have.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Nucleus sampling: the probability mass of tokens considered, 0–1.</summary>
    public double? TopP { get; init; }

    /// <summary>A seed the provider uses for more repeatable sampling, where it supports one.</summary>
    public long? Seed { get; init; }

    /// <summary>Sequences that end the answer.</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Penalty for tokens by how often they already appeared, usually -2–2.</summary>
    public double? FrequencyPenalty { get; init; }

    /// <summary>Penalty for tokens that already appeared at all, usually -2–2.</summary>
    public double? PresencePenalty { get; init; }
}
