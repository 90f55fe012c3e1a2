namespace BatchFactory;

/// <summary>A wire from an out-port of one op to an in-port of another.</summary>
/// <param name="Source">The op entries leave.</param>
/// <param name="OutPort">The out-port of <paramref name="Source"/>, from 0.</param>
/// <param name="Target">The op entries enter.</param>
/// <param name="InPort">The in-port of <paramref name="Target"/>, from 0.</param>
public readonly record struct Edge(Op Source, int OutPort, Op Target, int InPort);
