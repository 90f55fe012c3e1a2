using BatchFactory.Engine.Kinds;
using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    private const int DefaultMaxIterations = 1000;

    /// <summary>
    /// Sends each entry through <paramref name="then"/> when <paramref name="predicate"/> holds, else through
    /// <paramref name="otherwise"/> (or straight on when there is none); both ways join again after.
    /// </summary>
    /// <param name="predicate">Decides per entry; runs possibly on several entries at once.</param>
    /// <param name="then">The branch for entries that satisfy the predicate; any graph with one way in and out.</param>
    /// <param name="otherwise">The branch for the others. Default none.</param>
    /// <returns>A graph: the router, both branches, and the join.</returns>
    public static Graph If(Func<Entry, bool> predicate, Graph then, Graph? otherwise = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return If(new IfRouterOp(predicate, "predicate"), then, otherwise);
    }

    /// <summary>Like <see cref="If(Func{Entry, bool}, Graph, Graph?)"/> with the predicate on one field.</summary>
    /// <typeparam name="T">The field's type.</typeparam>
    /// <param name="predicate">Decides per value.</param>
    /// <param name="key">The field; a missing field fails the run, naming the field and idx.</param>
    /// <param name="then">The branch for entries that satisfy the predicate.</param>
    /// <param name="otherwise">The branch for the others. Default none.</param>
    /// <returns>A graph: the router, both branches, and the join.</returns>
    public static Graph If<T>(Func<T, bool> predicate, string key, Graph then, Graph? otherwise = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return If(new IfRouterOp(e => predicate(e.Get<T>(key)), key), then, otherwise);
    }

    /// <summary>
    /// Runs each entry through <paramref name="body"/> <paramref name="rounds"/> times. Inside the body the field
    /// <paramref name="roundsKey"/> holds the round, 1 to <paramref name="rounds"/>; after the loop it holds the number of
    /// rounds done. The entry's rev grows by one each time it goes round. Entries leave as soon as they are done, while
    /// others are still going round.
    /// </summary>
    /// <param name="body">The loop body: any graph with one way in and out that passes entries on one by one (not Sort,
    /// Shuffle, TakeFirstN or other ops that wait for their whole input).</param>
    /// <param name="rounds">How many times; 0 skips the body.</param>
    /// <param name="roundsKey">The field that counts rounds. Default <c>rounds</c>.</param>
    /// <returns>A graph: the loop head and the body, wired in a cycle.</returns>
    /// <exception cref="GraphException">The body holds an op that waits for its whole input.</exception>
    public static Graph Repeat(Graph body, int rounds, string roundsKey = "rounds")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rounds);
        ArgumentException.ThrowIfNullOrEmpty(roundsKey);
        return Loop("Repeat", new RepeatRule(rounds, null, roundsKey), Math.Max(rounds, 1), body);
    }

    /// <summary>
    /// Like <see cref="Repeat(Graph, int, string)"/> with each entry's number of rounds read from the field
    /// <paramref name="maxRoundsKey"/> (checked before every round).
    /// </summary>
    /// <param name="body">The loop body.</param>
    /// <param name="maxRoundsKey">The field holding the number of rounds; a value below 0 or above <paramref name="maxIterations"/> fails the run.</param>
    /// <param name="roundsKey">The field that counts rounds. Default <c>rounds</c>.</param>
    /// <param name="maxIterations">The most rounds an entry may ask for. Default 1000.</param>
    /// <returns>A graph: the loop head and the body, wired in a cycle.</returns>
    public static Graph Repeat(Graph body, string maxRoundsKey, string roundsKey = "rounds", int maxIterations = DefaultMaxIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(maxRoundsKey);
        ArgumentException.ThrowIfNullOrEmpty(roundsKey);
        return Loop("Repeat", new RepeatRule(null, maxRoundsKey, roundsKey), maxIterations, body);
    }

    /// <summary>
    /// Runs each entry through <paramref name="body"/> as long as <paramref name="predicate"/> holds, checked before each
    /// round (an entry for which it does not hold at first skips the body). The entry's rev grows by one each time it goes
    /// round. An entry still going round after <paramref name="maxIterations"/> rounds fails the run, naming the op and idx.
    /// </summary>
    /// <param name="body">The loop body; see <see cref="Repeat(Graph, int, string)"/> for what it may hold.</param>
    /// <param name="predicate">Whether the entry goes round (again).</param>
    /// <param name="maxIterations">The guard against runaway loops. Default 1000.</param>
    /// <returns>A graph: the loop head and the body, wired in a cycle.</returns>
    /// <exception cref="GraphException">The body holds an op that waits for its whole input.</exception>
    public static Graph While(Graph body, Func<Entry, bool> predicate, int maxIterations = DefaultMaxIterations)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Loop("While", new WhileRule(predicate, "predicate"), maxIterations, body);
    }

    /// <summary>Like <see cref="While(Graph, Func{Entry, bool}, int)"/> with the predicate on one field.</summary>
    /// <typeparam name="T">The field's type.</typeparam>
    /// <param name="body">The loop body.</param>
    /// <param name="predicate">Whether the entry goes round (again), from the field's value.</param>
    /// <param name="key">The field; a missing field fails the run, naming the field and idx.</param>
    /// <param name="maxIterations">The guard against runaway loops. Default 1000.</param>
    /// <returns>A graph: the loop head and the body, wired in a cycle.</returns>
    /// <exception cref="GraphException">The body holds an op that waits for its whole input.</exception>
    public static Graph While<T>(Graph body, Func<T, bool> predicate, string key, int maxIterations = DefaultMaxIterations)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Loop("While", new WhileRule(e => predicate(e.Get<T>(key)), key), maxIterations, body);
    }

    /// <summary>
    /// For each entry, spawns one child per item of the list in <paramref name="listKey"/> (the item under
    /// <paramref name="itemKey"/>), runs <paramref name="body"/> on the children concurrently with everything else, and
    /// gathers each child's <paramref name="outputItemKey"/> back into the list <paramref name="outputListKey"/> on the
    /// entry, in item order. The entry moves on once all its children are back; a child the body drops is left out.
    /// </summary>
    /// <example><c>ListParallel(AskLLM("Label: {text}", model, "label"), "segments", "text", "label", "labels")</c></example>
    /// <param name="body">The work on each child; any graph with one way in and out.</param>
    /// <param name="listKey">The field holding the list.</param>
    /// <param name="itemKey">The field each child gets its item in. Children hold only this field; idx <c>{idx}#{i}</c>.</param>
    /// <param name="outputItemKey">The field the body leaves on each child. Default: <paramref name="itemKey"/>.</param>
    /// <param name="outputListKey">The list field the results are gathered into. Default: <paramref name="listKey"/> (the list is replaced).</param>
    /// <returns>A graph: SpawnFromList, the body and CollectAllToList.</returns>
    public static Graph ListParallel(Graph body, string listKey, string itemKey, string? outputItemKey = null, string? outputListKey = null) =>
        ListParallel(body, [listKey], [itemKey], [outputItemKey ?? itemKey], [outputListKey ?? listKey]);

    /// <summary>
    /// Like <see cref="ListParallel(Graph, string, string, string?, string?)"/> over several lists zipped together (a list
    /// of one item, or a field that is not a list, goes to every child), gathering several fields back.
    /// </summary>
    /// <param name="body">The work on each child.</param>
    /// <param name="listKeys">The fields holding the lists.</param>
    /// <param name="itemKeys">The field each list's item goes to, one per list.</param>
    /// <param name="outputItemKeys">
    /// The fields the body leaves on each child. Default, with a single list key: <paramref name="itemKeys"/>. With several
    /// list keys give them (a field that goes to every child would otherwise come back as a list of copies).
    /// </param>
    /// <param name="outputListKeys">The list fields they are gathered into, one per output item field; given with <paramref name="outputItemKeys"/>. Default: <paramref name="listKeys"/>.</param>
    /// <returns>A graph: SpawnFromList, the body and CollectAllToList.</returns>
    /// <exception cref="ArgumentException">Only one of the output arrays is given, their lengths differ, or several list keys come without output keys.</exception>
    public static Graph ListParallel(Graph body, string[] listKeys, string[] itemKeys, string[]? outputItemKeys = null, string[]? outputListKeys = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(listKeys);
        if (outputItemKeys is null != outputListKeys is null)
        {
            throw new ArgumentException(
                "ListParallel: give outputItemKeys and outputListKeys together (the list field each output item field is gathered into), or neither.",
                outputItemKeys is null ? nameof(outputItemKeys) : nameof(outputListKeys));
        }

        if (outputItemKeys is null && listKeys.Length > 1)
        {
            throw new ArgumentException(
                $"ListParallel over {listKeys.Length} list keys needs outputItemKeys and outputListKeys: say which fields the body leaves on each child and " +
                "which lists they are gathered into (a field that goes to every child would otherwise come back as a list of copies).",
                nameof(outputItemKeys));
        }

        if (outputItemKeys is not null && outputItemKeys.Length != outputListKeys!.Length)
        {
            throw new ArgumentException(
                $"ListParallel: {outputItemKeys.Length} outputItemKeys but {outputListKeys.Length} outputListKeys; give one list field per output item field.",
                nameof(outputListKeys));
        }

        body = body.Scoped(nameof(ListParallel));
        var spawn = Part(nameof(ListParallel), new SpawnFromListOp(listKeys, itemKeys));
        var collect = Part(nameof(ListParallel), new CollectAllToListOp(outputItemKeys ?? itemKeys, outputListKeys ?? listKeys));
        return Through(spawn, spawn, 1, body, collect, 1).Wire(spawn, collect, 0, 0).WithEnds(spawn, collect);
    }

    /// <summary>
    /// Spawns one child entry per list item: out-port 0 passes the entry on (wire it to in-port 0 of
    /// <see cref="CollectAllToList(string, string)"/>), out-port 1 sends the children, which hold only the item field,
    /// with idx <c>{idx}#{i}</c>. <see cref="ListParallel(Graph, string, string, string?, string?)"/> wires all three for you.
    /// </summary>
    /// <param name="listKey">The field holding the list.</param>
    /// <param name="itemKey">The field each child gets its item in.</param>
    /// <returns>The op.</returns>
    public static Op SpawnFromList(string listKey, string itemKey) => new SpawnFromListOp([listKey], [itemKey]);

    /// <summary>Like <see cref="SpawnFromList(string, string)"/> over several lists zipped together.</summary>
    /// <param name="listKeys">The fields holding the lists.</param>
    /// <param name="itemKeys">The field each list's item goes to, one per list.</param>
    /// <returns>The op.</returns>
    public static Op SpawnFromList(string[] listKeys, string[] itemKeys) => new SpawnFromListOp(listKeys, itemKeys);

    /// <summary>
    /// Gathers children spawned by <see cref="SpawnFromList(string, string)"/> (in-port 1) back into their entry (in-port 0):
    /// each child's <paramref name="itemKey"/> goes into the list <paramref name="listKey"/>, in item order, and the entry
    /// leaves once all its children have arrived or been dropped.
    /// </summary>
    /// <param name="itemKey">The field taken from each child.</param>
    /// <param name="listKey">The list field it is gathered into.</param>
    /// <returns>The op.</returns>
    public static Op CollectAllToList(string itemKey, string listKey) => new CollectAllToListOp([itemKey], [listKey]);

    /// <summary>Like <see cref="CollectAllToList(string, string)"/> for several fields.</summary>
    /// <param name="itemKeys">The fields taken from each child.</param>
    /// <param name="listKeys">The list fields they are gathered into, one per item field.</param>
    /// <returns>The op.</returns>
    public static Op CollectAllToList(string[] itemKeys, string[] listKeys) => new CollectAllToListOp(itemKeys, listKeys);

    /// <summary>
    /// Copies <paramref name="keys"/> from each entry on in-port 1 onto the entry with the same idx on in-port 0, which
    /// then leaves; e.g. after <see cref="Replicate(int)"/> sent a copy down another branch. When both inputs have ended,
    /// in-port 0 entries that met no partner leave unchanged. It cannot be inside a loop body (it is refused when the
    /// loop is built): a partner dropped inside the loop would keep its entry waiting for the end of the input.
    /// </summary>
    /// <param name="keys">The fields to copy (a field the partner lacks becomes null).</param>
    /// <returns>The op.</returns>
    public static Op CollectField(params string[] keys) => new CollectFieldOp(keys);

    private static Graph If(IfRouterOp router, Graph then, Graph? otherwise)
    {
        ArgumentNullException.ThrowIfNull(then);
        then = then.Scoped("If");
        otherwise = otherwise?.Scoped("If");
        var join = Part("If", new JoinOp());
        var graph = Through(router, router, 0, then, join, 0);
        return Through(graph, router, 1, otherwise ?? Graph.Empty, join, 1).WithEnds(router, join);
    }

    private static Graph Loop(string kind, LoopRule rule, int maxIterations, Graph body)
    {
        ArgumentNullException.ThrowIfNull(body);
        body = body.Scoped(kind);
        if (body.Nodes.FirstOrDefault(op => op.WaitsForAllInput) is { } waiting)
        {
            throw new GraphException(
                $"{kind}: {waiting} cannot be inside a loop body: it waits for its whole input, which inside a loop ends only " +
                "when the loop is empty. Put it before or after the loop.");
        }

        var head = new LoopHeadOp(kind, rule, maxIterations, [.. body.Nodes.OfType<AsyncEntryOp>()]);
        return Through(head, head, 1, body, head, 1).WithEnds(head, head);
    }

    // Adds body to graph (which holds source) between source and target: source's outPort feeds the body's head (or
    // target directly when the body is empty), and the body's tail feeds target's inPort.
    private static Graph Through(Graph graph, Op source, int outPort, Graph body, Op target, int inPort)
    {
        graph = graph.Include(body);
        return body.IsEmpty
            ? graph.Wire(source, target, outPort, inPort)
            : graph.Wire(source, body.Head!, outPort, 0).Wire(body.Tail!, target, 0, inPort);
    }
}
