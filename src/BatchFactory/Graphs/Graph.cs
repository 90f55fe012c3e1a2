using System.Collections.Immutable;

namespace BatchFactory;

/// <summary>
/// An immutable description of ops wired together. Build one with <c>|</c> (<see cref="Then(Graph)"/>) and
/// <see cref="Wire(Op, Op, int, int)"/>, print it with <see cref="ToString"/>, nest it in another graph, and run it
/// with <c>RunAsync</c> (<see cref="GraphRunExtensions"/>) as many times as you like: each run is independent.
/// </summary>
/// <remarks>
/// A graph has a <see cref="Head"/> (its first op, whose in-port 0 is where a graph before it connects) and a
/// <see cref="Tail"/> (its last appended op, whose out-port 0 feeds a graph after it). Each port takes at most one wire.
/// Entries that leave an out-port with no wire are discarded; use <c>ToList</c> or <c>OutputEntries</c> to keep them.
/// </remarks>
public sealed partial class Graph
{
    private readonly ImmutableArray<Op> _ops;
    private readonly ImmutableArray<Edge> _edges;

    // The composites each op sits in, as a name prefix ("Repeat › "): ops keep their identity inside a body.
    private readonly ImmutableDictionary<Op, string> _scopes;

    /// <summary>Creates an empty graph; append to it with <c>g |= op</c>.</summary>
    public Graph()
        : this([], [], null, null, ImmutableDictionary<Op, string>.Empty)
    {
    }

    private Graph(ImmutableArray<Op> ops, ImmutableArray<Edge> edges, Op? head, Op? tail, ImmutableDictionary<Op, string> scopes)
    {
        _ops = ops;
        _edges = edges;
        _scopes = scopes;
        Head = head;
        Tail = tail;
    }

    /// <summary>The empty graph.</summary>
    public static Graph Empty { get; } = new();

    /// <summary>The ops of the graph in the order they were added; an op's position is its node index.</summary>
    public IReadOnlyList<Op> Nodes => _ops;

    /// <summary>The wires between ops.</summary>
    public IReadOnlyList<Edge> Edges => _edges;

    /// <summary>The first op: a graph placed before this one connects to its in-port 0. <see langword="null"/> when empty.</summary>
    public Op? Head { get; }

    /// <summary>The last appended op: a graph placed after this one is fed from its out-port 0. <see langword="null"/> when empty.</summary>
    public Op? Tail { get; }

    /// <summary>Whether the graph has no ops.</summary>
    public bool IsEmpty => _ops.IsEmpty;

    /// <summary>A graph of one op.</summary>
    /// <param name="op">The op.</param>
    public static implicit operator Graph(Op op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return new Graph([op], [], op, op, ImmutableDictionary<Op, string>.Empty);
    }

    /// <summary>Appends <paramref name="right"/> to <paramref name="left"/>; same as <c>left.Then(right)</c>.</summary>
    /// <param name="left">The graph that comes first.</param>
    /// <param name="right">The graph that follows.</param>
    /// <returns>A new graph.</returns>
    public static Graph operator |(Graph left, Graph right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Then(right);
    }

    /// <summary>
    /// Appends <paramref name="next"/>: this graph's <see cref="Tail"/> out-port 0 feeds <paramref name="next"/>'s
    /// <see cref="Head"/> in-port 0. Neither graph changes; the result is a new graph.
    /// </summary>
    /// <param name="next">The graph (or op) that follows.</param>
    /// <returns>A new graph whose head is this graph's head and whose tail is <paramref name="next"/>'s tail.</returns>
    /// <exception cref="GraphException">
    /// The two graphs share an op (a graph merged twice), the tail has no free out-port 0, or the head of
    /// <paramref name="next"/> has no free in-port 0.
    /// </exception>
    public Graph Then(Graph next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (next.IsEmpty)
        {
            return this;
        }

        if (IsEmpty)
        {
            return next;
        }

        var shared = next._ops.FirstOrDefault(Contains);
        if (shared is not null)
        {
            throw new GraphException(
                $"Cannot append: op [{IndexOf(shared)}] {shared} is already part of this graph (the same graph or op merged twice). " +
                "An op can appear in a graph once; make a new op, take a copy with .Named(...), or connect to the existing op with Wire(...).");
        }

        var edge = new Edge(Tail!, 0, next.Head!, 0);
        CheckPorts(edge, this, next);
        return new Graph(_ops.AddRange(next._ops), _edges.AddRange(next._edges).Add(edge), Head, next.Tail, _scopes.SetItems(next._scopes));
    }

    /// <summary>
    /// Wires an out-port of <paramref name="source"/> to an in-port of <paramref name="target"/>, adding either op
    /// if it is not in the graph yet. Use it for ports other than 0 (e.g. the second output of <c>Replicate</c>).
    /// </summary>
    /// <param name="source">The op entries leave.</param>
    /// <param name="target">The op entries enter.</param>
    /// <param name="outPort">The out-port of <paramref name="source"/>. Default 0.</param>
    /// <param name="inPort">The in-port of <paramref name="target"/>. Default 0.</param>
    /// <returns>A new graph; its head and tail stay as they were (or become the ops given, for an empty graph).</returns>
    /// <exception cref="GraphException">A port does not exist or already has a wire.</exception>
    public Graph Wire(Op source, Op target, int outPort = 0, int inPort = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var edge = new Edge(source, outPort, target, inPort);
        CheckPorts(edge, this, this);
        var ops = _ops;
        if (!Contains(source))
        {
            ops = ops.Add(source);
        }

        if (!ops.Contains(target))
        {
            ops = ops.Add(target);
        }

        return new Graph(ops, _edges.Add(edge), Head ?? source, Tail ?? target, _scopes);
    }

    /// <summary>
    /// Adds the ops and wires of <paramref name="other"/> without wiring it to anything (the caller wires it next);
    /// this graph's head and tail stay. Used to build composite graphs such as loops.
    /// </summary>
    internal Graph Include(Graph other)
    {
        if (other._ops.FirstOrDefault(Contains) is { } shared)
        {
            throw new GraphException(
                $"Op [{IndexOf(shared)}] {shared} is used twice (the same graph or op merged twice). Make a new op or graph for each place it is used.");
        }

        return new Graph(_ops.AddRange(other._ops), _edges.AddRange(other._edges), Head ?? other.Head, Tail ?? other.Tail, _scopes.SetItems(other._scopes));
    }

    /// <summary>The same ops and wires with another head and tail (both must be in the graph); for composite graphs.</summary>
    internal Graph WithEnds(Op head, Op tail) => new(_ops, _edges, head, tail, _scopes);

    /// <summary>Whether <paramref name="op"/> (this very instance) is part of the graph.</summary>
    /// <param name="op">The op to look for.</param>
    /// <returns><see langword="true"/> when the graph contains it.</returns>
    public bool Contains(Op op) => _ops.Contains(op);

    /// <summary>The node index of <paramref name="op"/>, or -1 when it is not in the graph.</summary>
    /// <param name="op">The op to look for.</param>
    /// <returns>The index into <see cref="Nodes"/>.</returns>
    public int IndexOf(Op op) => _ops.IndexOf(op);

    private static void CheckPorts(Edge edge, Graph sourceGraph, Graph targetGraph)
    {
        var (source, outPort, target, inPort) = edge;
        if (source.OutputPorts == 0)
        {
            throw new GraphException($"Nothing can follow {source}: it is a sink and has no out-ports.");
        }

        if (outPort < 0 || outPort >= source.OutputPorts)
        {
            throw new GraphException($"{source} has no out-port {outPort}; its out-ports are 0..{source.OutputPorts - 1}.");
        }

        if (target.InputPorts == 0)
        {
            throw new GraphException($"Nothing can feed {target}: it is a source and has no in-ports. Start a graph with it instead.");
        }

        if (inPort < 0 || inPort >= target.InputPorts)
        {
            throw new GraphException($"{target} has no in-port {inPort}; its in-ports are 0..{target.InputPorts - 1}.");
        }

        if (sourceGraph._edges.Any(e => e.Source == source && e.OutPort == outPort))
        {
            throw new GraphException($"Out-port {outPort} of {source} is already wired; a port takes one wire. Use Replicate to send entries to several ops.");
        }

        if (targetGraph._edges.Any(e => e.Target == target && e.InPort == inPort))
        {
            throw new GraphException($"In-port {inPort} of {target} is already wired; a port takes one wire.");
        }
    }
}
