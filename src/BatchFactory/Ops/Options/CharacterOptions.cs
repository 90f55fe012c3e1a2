namespace BatchFactory;

/// <summary>
/// The optional settings of an <see cref="AICharacter"/>'s calls, besides those every model call has
/// (<see cref="ModelCallOptions"/>).
/// </summary>
public sealed record CharacterOptions : ModelCallOptions
{
    /// <summary>Temperature, max tokens and other settings of the model; part of the cache key. Default: the provider's.</summary>
    public LlmOptions? Llm { get; init; }
}
