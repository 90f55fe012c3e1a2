using System.Globalization;
using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries.Scopes;

namespace BatchFactory.Operators;

/// <summary>
/// The head of a loop (Repeat, While). In-port 0 takes entries from before the loop, in-port 1 entries coming back
/// from the body; out-port 0 leads out of the loop, out-port 1 into the body. Each entry coming back moves to its next
/// rev. The head counts the entries inside the loop and ends the body's input once the loop's input has ended and the
/// last entry has left, so the run completes even though the wires form a cycle.
/// </summary>
internal sealed class LoopHeadOp : InlineLoopOp
{
    private readonly LoopRule _rule;
    private readonly int _maxIterations;
    private readonly IReadOnlyList<AsyncEntryOp> _bodyCalls;

    public LoopHeadOp(string kind, LoopRule rule, int maxIterations, IReadOnlyList<AsyncEntryOp> bodyCalls)
        : base(kind)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        _rule = rule;
        _maxIterations = maxIterations;
        _bodyCalls = bodyCalls;
    }

    private protected override string Describe() =>
        _rule.Bounded ? _rule.Describe() : _rule.Describe() + $", max {_maxIterations.ToString(CultureInfo.InvariantCulture)}";

    internal override OpBlocks Materialize(OpContext context)
    {
        // Into the body: unbounded, so entries coming back never wait (which could deadlock the cycle); the scope's
        // window bounds how many entries are inside the loop instead.
        var body = new BufferBlock<Entry>(new DataflowBlockOptions { CancellationToken = context.Token });
        var exit = new BufferBlock<Entry>(context.Buffer);
        var bodyConcurrency = _bodyCalls.Select(op => op.ConcurrencyIn(context.Run.Options)).DefaultIfEmpty(0).Max();
        var scope = new LoopScope(Math.Max(context.Run.Options.BoundedCapacity, 2 * bodyConcurrency), body.Complete);
        var outer = new ActionBlock<Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                await scope.EnterAsync(context.Token).ConfigureAwait(false);
                entry.Frame = new ScopeFrame(scope, entry.Frame);
                await RouteAsync(context, entry, body, exit).ConfigureAwait(false);
            },
            context.Serial);
        var back = new ActionBlock<Entry>(
            async entry =>
            {
                entry.NextRev();
                entry.Frame = entry.Frame!.NextRound();
                await RouteAsync(context, entry, body, exit).ConfigureAwait(false);
            },
            new ExecutionDataflowBlockOptions { CancellationToken = context.Token });
        _ = outer.Completion.ContinueWith(
            done =>
            {
                if (done.IsCompletedSuccessfully)
                {
                    scope.InputDone();
                }
                else
                {
                    OutputPump.CompleteLike(done, body);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        OutputPump.CompleteWhenDone(Task.WhenAll(outer.Completion, back.Completion), exit);
        return new OpBlocks([outer, back], [exit, body]);
    }

    /// <summary>
    /// Builds the loop as one block when its body is a chain of entry ops (<paramref name="body"/>, first to last): each
    /// entry goes all its rounds inside the block, running the body ops' steps in turn, with the same counts, revs,
    /// rounds field and errors as the loop of blocks, and no hand-off per round.
    /// </summary>
    internal override OpBlocks MaterializeInline(OpContext context, IReadOnlyList<OpContext> body)
    {
        var steps = EntryOp.Steps(body);
        var block = new TransformBlock<Entry, Entry>(
            // A null result is an entry a body op dropped (and counted): the link below swallows it.
            entry => RunInline(context, steps, entry)!,
            context.PerEntry);
        block.LinkTo(DataflowBlock.NullTarget<Entry>(), static e => e is null);
        return new OpBlocks([block], [block]);
    }

    private Entry? RunInline(OpContext context, Func<Entry, Entry?>[] steps, Entry entry)
    {
        context.Counters.AddIn();
        for (var round = 0; ; round++)
        {
            if (!Decide(context, entry, round))
            {
                context.Counters.AddOut();
                return entry;
            }

            if (EntryOp.RunSteps(steps, entry) is null)
            {
                return null;
            }

            entry.NextRev();
        }
    }

    // Whether the entry goes round again after roundsDone rounds; sets the rounds field either way.
    private bool Decide(OpContext context, Entry entry, int roundsDone)
    {
        try
        {
            var again = _rule.Continues(entry, roundsDone, _maxIterations);
            if (again)
            {
                _rule.Starting(entry, roundsDone + 1);
            }
            else
            {
                _rule.Leaving(entry, roundsDone);
            }

            return again;
        }
        catch (Exception ex)
        {
            throw context.Fail(entry, ex);
        }
    }

    // Sends the entry into the body for one more round, or out of the loop (then it no longer counts as inside).
    private async Task RouteAsync(OpContext context, Entry entry, BufferBlock<Entry> body, BufferBlock<Entry> exit)
    {
        var frame = entry.Frame!;
        if (Decide(context, entry, frame.Round))
        {
            body.Post(entry);
            return;
        }

        entry.Frame = frame.Parent;
        await OutputPump.SendCountedAsync(context, exit, entry).ConfigureAwait(false);

        frame.Scope.Add(-1);
    }
}
