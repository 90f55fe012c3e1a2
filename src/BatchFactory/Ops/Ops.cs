namespace BatchFactory;

/// <summary>
/// Factory methods for every op, named as in the Python batchfactory. Bring them into scope with
/// <c>using static BatchFactory.Ops;</c> and join them with <c>|</c>:
/// <code>
/// var g = FromList(rows) | MapField((int n) => n * n, "n", "square") | Filter((int s) => s > 10, "square") | ToList("square");
/// var squares = (await g.RunAsync()).Values&lt;int&gt;();
/// </code>
/// Arguments are checked when the op is made; an op that fails on an entry while running reports its name,
/// node index and the entry idx in an <see cref="OpException"/>. A factory that returns a graph of several ops (AskLLM,
/// Repeat, While, If, ListParallel, CheckPoint, <see cref="AICharacter.Speak(string)"/>) names the ops it is made of, and
/// the ops of a body or branch that the user did not name, <c>&lt;Composite&gt; › &lt;op&gt;</c>, e.g.
/// <c>AskLLM › GenerateLLMRequest</c> or <c>Repeat › MapField</c>; sinks keep their names, so outputs are read as before.
/// </summary>
public static partial class Ops
{
    /// <summary>
    /// Names an op that a composite factory (AskLLM, ListParallel, If, …) makes as part of it, so that errors, summaries
    /// and <see cref="Graph.ToString"/> name what the user wrote: <c>{composite} › {op.Name}</c>.
    /// </summary>
    internal static Op Part(string composite, Op op) => op.Renamed(composite + Op.PartSeparator + op.Name);
}
