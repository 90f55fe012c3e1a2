namespace BatchFactory;

/// <summary>
/// The optional settings of <see cref="Ops.AskLLM(string, string, string, AskOptions?)"/>, besides those every model
/// call has (<see cref="ModelCallOptions"/>). <see cref="SystemPrompt"/>, <see cref="Llm"/> and <see cref="Sample"/> are
/// part of the request, so they are part of its cache key.
/// </summary>
/// <example><c>AskLLM("Summarise: {text}", model, "summary", new AskOptions { SystemPrompt = "Be brief.", Concurrency = 8 })</c></example>
public sealed record AskOptions : ModelCallOptions
{
    /// <summary>A system message sent before the prompt. Default none.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Temperature, max tokens and other settings of the model. Default: the provider's.</summary>
    public LlmOptions? Llm { get; init; }

    /// <summary>Which sample of the same prompt this is: N samples are N calls; 0 or more. Default 0.</summary>
    public int Sample { get; init; }

    /// <summary>Remove <c>&lt;think&gt;…&lt;/think&gt;</c> reasoning from the answer. Default <see langword="false"/>.</summary>
    public bool RemoveThinking { get; init; }

    internal override void Validate(string op)
    {
        base.Validate(op);
        if (Sample < 0)
        {
            throw new ArgumentException($"{op}: {nameof(AskOptions)}.Sample must be 0 or more (it is {Sample}).", "options");
        }
    }
}
