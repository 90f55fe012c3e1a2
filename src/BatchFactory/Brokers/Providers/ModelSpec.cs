namespace BatchFactory;

/// <summary>A model and the provider that serves it, written <c>model@provider</c>, e.g. <c>gpt-4o-mini@openai</c>.</summary>
/// <param name="Model">The model's name as the provider knows it.</param>
/// <param name="Provider">The registered provider's name, e.g. <c>openai</c>, <c>azure</c>, <c>offline</c>.</param>
public sealed record ModelSpec(string Model, string Provider)
{
    /// <summary>Reads <c>model@provider</c>; the last <c>@</c> separates the two.</summary>
    /// <exception cref="ArgumentException">The text has no provider or no model.</exception>
    public static ModelSpec Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            throw new ArgumentException($"The model '{text}' names no provider: write it as model@provider, e.g. 'gpt-4o-mini@openai' or 'gpt-4o-mini@offline'.", nameof(text));
        }

        return new ModelSpec(text[..at], text[(at + 1)..]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Model}@{Provider}";
}
