namespace BatchFactory.Engine.Kinds;

/// <summary>
/// The head of a loop: in-port 1 takes the entries coming back from the body (the one wire that may close a cycle),
/// out-port 1 leads into the body. When the body is a chain of <see cref="EntryOp"/>s, the run plan runs the whole loop
/// inside the head's own block (<see cref="MaterializeInline"/>): each entry goes all its rounds in one go.
/// </summary>
internal abstract class InlineLoopOp : BlockOp
{
    private protected InlineLoopOp(string kind)
        : base(kind, 2, 2)
    {
    }

    /// <inheritdoc/>
    internal sealed override bool IsLoopBack(int inPort) => inPort == 1;

    /// <summary>Builds one block that runs the loop, with <paramref name="body"/> (the contexts of its entry ops, in order) inside it.</summary>
    internal abstract OpBlocks MaterializeInline(OpContext context, IReadOnlyList<OpContext> body);
}
