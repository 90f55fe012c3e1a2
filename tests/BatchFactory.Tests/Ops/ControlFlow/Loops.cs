namespace BatchFactory.Tests.Ops.ControlFlow;

/// <summary>Run options for loop tests, which run each case both ways a loop can run.</summary>
internal static class Loops
{
    /// <summary>
    /// With <paramref name="inline"/>, a loop whose body is a chain of per-entry ops runs inside one block (the default);
    /// without, operator fusion is off and every loop runs as a cycle of blocks.
    /// </summary>
    public static RunOptions Options(bool inline, int boundedCapacity = 1024) =>
        new() { FuseEntryOps = inline, BoundedCapacity = boundedCapacity };
}
