namespace BatchFactory.Pipelines.Types;

/// <summary>A wrong declaration under <c>types:</c>: the type, the field (when one is at fault), what is wrong and the offset in the declaration.</summary>
internal sealed class TypeDeclarationException(string type, string? field, string message, int offset) : Exception(message)
{
    public string Type { get; } = type;

    public string? Field { get; } = field;

    public int Offset { get; } = offset;
}
