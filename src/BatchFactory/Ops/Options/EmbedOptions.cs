namespace BatchFactory;

/// <summary>
/// The optional settings of <see cref="Ops.EmbedText(string, string, string, EmbedOptions?)"/>, besides those every
/// model call has (<see cref="ModelCallOptions"/>).
/// </summary>
public sealed record EmbedOptions : ModelCallOptions
{
    /// <summary>How the vector is stored: a list of numbers or compact base64 of float32 values. Default <see cref="EmbeddingFormat.List"/>.</summary>
    public EmbeddingFormat Format { get; init; } = EmbeddingFormat.List;

    internal override void Validate(string op)
    {
        base.Validate(op);
        if (!Enum.IsDefined(Format))
        {
            throw new ArgumentException($"{op}: {nameof(EmbedOptions)}.Format is {(int)Format}, which is not an {nameof(EmbeddingFormat)} value.", "options");
        }
    }
}
