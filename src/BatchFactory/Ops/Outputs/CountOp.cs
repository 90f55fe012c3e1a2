using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Counts the entries that reach it and keeps nothing else.</summary>
internal sealed class CountOp() : SinkOp("Count")
{
    protected override IReadOnlyList<string> Keys => [];

    private protected override bool CountsOnly => true;

    private protected override string Describe() => string.Empty;
}
