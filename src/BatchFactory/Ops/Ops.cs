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
}
