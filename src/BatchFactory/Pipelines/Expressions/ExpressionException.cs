namespace BatchFactory.Pipelines.Expressions;

/// <summary>An expression that does not parse: what is wrong and where (0-based offset into its text).</summary>
internal sealed class ExpressionException(string message, int offset) : Exception(message)
{
    public int Offset { get; } = offset;
}
