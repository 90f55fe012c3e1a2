namespace BatchFactory;

/// <summary>
/// The optional parts of a request made by <see cref="Ops.GenerateLLMRequest(string, string, string, RequestOptions?)"/>.
/// All are part of the request, so they are part of its cache key.
/// </summary>
public sealed record RequestOptions
{
    /// <summary>A system message sent first. Default none.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>A field holding earlier messages (a list of <see cref="ChatTurn"/>), sent before the prompt. Default none.</summary>
    public string? HistoryKey { get; init; }

    /// <summary>Temperature, max tokens and other settings of the model. Default: the provider's.</summary>
    public LlmOptions? Llm { get; init; }

    /// <summary>Which sample of the same prompt this is: N samples are N calls; 0 or more. Default 0.</summary>
    public int Sample { get; init; }

    /// <summary>Checks the settings for the op <paramref name="op"/>.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    internal void Validate(string op)
    {
        if (Sample < 0)
        {
            throw new ArgumentException($"{op}: {nameof(RequestOptions)}.Sample must be 0 or more (it is {Sample}).", "options");
        }

        if (HistoryKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException($"{op}: {nameof(RequestOptions)}.HistoryKey must name a field or be null.", "options");
        }
    }
}
