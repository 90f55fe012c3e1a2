namespace BatchFactory;

/// <summary>A model and the provider that serves it, written <c>model@provider</c>, e.g. <c>gpt-4o-mini@openai</c>.</summary>
/// <param name="Model">The model's name as the provider knows it.</param>
/// <param name="Provider">The registered provider's name, e.g. <c>openai</c>, <c>azure</c>, <c>offline</c>.</param>
public sealed record ModelSpec(string Model, string Provider)
{
    // model@provider, made once: a run asks for it on every call (client lookup, records, telemetry tags).
    private string? _text;

    /// <summary>The model's name as the provider knows it.</summary>
    public string Model { get; init { field = value; _text = null; } } = Model;

    /// <summary>The registered provider's name, e.g. <c>openai</c>, <c>azure</c>, <c>offline</c>.</summary>
    public string Provider { get; init { field = value; _text = null; } } = Provider;

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
    public override string ToString() => _text ??= $"{Model}@{Provider}";

    /// <summary>Whether <paramref name="other"/> names the same model of the same provider.</summary>
    public bool Equals(ModelSpec? other) =>
        other is not null && string.Equals(Model, other.Model, StringComparison.Ordinal) && string.Equals(Provider, other.Provider, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Model, Provider);
}
