using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries.Scopes;

namespace BatchFactory.Engine;

/// <summary>What an op gets when it is materialised for one run: its place in the graph, block options and failure reporting.</summary>
internal sealed class OpContext
{
    public OpContext(BlockOp op, int node, RunContext run, string name, string description)
    {
        Op = op;
        Node = node;
        Run = run;
        Name = name;
        Description = description;
        var options = run.Options;
        PerEntry = new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            BoundedCapacity = options.BoundedCapacity,
            EnsureOrdered = false,
            CancellationToken = run.Token,
        };
        Serial = new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = 1,
            BoundedCapacity = options.BoundedCapacity,
            CancellationToken = run.Token,
        };
        Draining = new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            BoundedCapacity = options.BoundedCapacity,
            EnsureOrdered = false,
        };
        Buffer = new DataflowBlockOptions
        {
            BoundedCapacity = options.BoundedCapacity,
            CancellationToken = run.Token,
        };
    }

    public BlockOp Op { get; }

    /// <summary>The name the op goes by in the graph run (after the composites it sits in, e.g. <c>Repeat › MapField</c>): what errors, summaries and events say.</summary>
    public string Name { get; }

    /// <summary>The op with its arguments, as in <see cref="Graph.ToString"/>.</summary>
    public string Description { get; }

    /// <summary>The op's node index in the graph; also the first element of the order keys it creates.</summary>
    public int Node { get; }

    public RunContext Run { get; }

    public OpCounters Counters { get; } = new();

    /// <summary>For ops that call a model: their call counts, made on first use.</summary>
    public Brokers.BrokerCounters? Broker { get; set; }

    /// <summary>For ops with typed answers: how their answers fared, made on first use.</summary>
    public Reporting.AnswerCounters? Answers { get; set; }

    /// <summary>Options for blocks that apply a function to each entry: parallel, unordered, bounded.</summary>
    public ExecutionDataflowBlockOptions PerEntry { get; }

    /// <summary>Options for blocks that must see entries one at a time (collectors, routers).</summary>
    public ExecutionDataflowBlockOptions Serial { get; }

    /// <summary>
    /// Like <see cref="PerEntry"/> but without the run's token: for blocks that must finish the entries they hold
    /// when the run stops (see <see cref="DrainingTarget{T}"/>).
    /// </summary>
    public ExecutionDataflowBlockOptions Draining { get; }

    /// <summary>Options for buffer blocks that hold an op's output.</summary>
    public DataflowBlockOptions Buffer { get; }

    public CancellationToken Token => Run.Token;

    /// <summary>What <see cref="BlockOp.PrepareAsync"/> got for this run, for <see cref="BlockOp.Materialize"/> to use.</summary>
    public object? Prepared { get; set; }

    /// <summary>The op's counts so far; exact once the run has stopped.</summary>
    public OpStats Stats(ModelPrices prices) => new(Node, Name, Description, Counters.In, Counters.Out, Counters.Dropped, Broker?.Snapshot(prices), Answers?.Snapshot());

    /// <summary>Records that the op failed on <paramref name="entry"/> and stops the run.</summary>
    /// <returns>The exception to throw from the block, so that it faults.</returns>
    public Exception Fail(Entry? entry, Exception exception)
    {
        if (exception is OperationCanceledException && Token.IsCancellationRequested)
        {
            return exception;
        }

        // A provider found unavailable stops the run as it is: it is about the model, not this op or entry.
        var wrapped = exception as OpException ?? exception as ProviderUnavailableException ?? (Exception)new OpException(Name, Node, entry?.Idx, exception);
        return Run.Fail(wrapped);
    }

    /// <summary>Counts an entry the op discarded; the loops and spawns it was in no longer wait for it.</summary>
    public void Dropped(Entry entry)
    {
        Counters.AddDropped();
        Consumed(entry);
    }

    /// <summary>
    /// Says that <paramref name="entry"/> failed and stays for a later run (a model call under <c>OnCallFailure.Stay</c>),
    /// so the spawns it is in make their masters wait rather than go on with a shorter list. The op still drops it.
    /// </summary>
    public static void Stays(Entry entry) => ScopeFrame.Stayed(entry.Frame);

    /// <summary>An entry ended here (kept by a sink, merged into another): the loops and spawns it was in no longer wait for it.</summary>
    public static void Consumed(Entry entry) => ScopeFrame.Add(entry.Frame, -1);

    /// <summary>
    /// Says that <paramref name="entry"/> is about to become <paramref name="extra"/> + 1 entries (copies or children
    /// with its scopes), so the loops and spawns it is in wait for all of them. Call before the new entries leave.
    /// </summary>
    public static void Multiplied(Entry entry, int extra) => ScopeFrame.Add(entry.Frame, extra);
}
