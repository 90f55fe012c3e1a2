using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Collects every entry that reaches it, in stream order.</summary>
internal sealed class OutputEntriesOp() : SinkOp("OutputEntries")
{
    protected override IReadOnlyList<string> Keys => [];

    private protected override string Describe() => string.Empty;
}
