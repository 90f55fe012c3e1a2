namespace BatchFactory;

/// <summary>
/// Factory methods for every op, named as in the Python batchfactory. Bring them into scope with
/// <c>using static BatchFactory.Ops;</c> and join them with <c>|</c>:
/// <code>
/// var g = FromList(rows) | MapField((int n) => n * n, "n", "square") | Filter((int s) => s > 10, "square") | ToList("square");
/// var squares = (await g.RunAsync()).Values&lt;int&gt;();
/// </code>
/// Arguments are checked when the op is made; an op that fails on an entry while running reports its name,
/// node index and the entry idx in an <see cref="OpException"/>.
/// </summary>
public static partial class Ops
{
    /// <summary>
    /// Names an op that a composite factory (AskLLM, ListParallel, If, …) makes as part of it, so that errors, summaries
    /// and <see cref="Graph.ToString"/> name what the user wrote: <c>{composite} › {op.Name}</c>.
    /// </summary>
    internal static Op Part(string composite, Op op) => op.Named(composite + Op.PartSeparator + op.Name);
}
