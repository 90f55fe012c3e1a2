using System.Threading.Tasks.Dataflow;

namespace BatchFactory.Engine.Kinds;

/// <summary>
/// An op that needs the whole stream before it can emit (Sort, Shuffle, TakeFirstN): it collects entries,
/// and when its input completes it emits its output in a stable order, with backpressure.
/// </summary>
internal abstract class BarrierOp : BlockOp
{
    protected BarrierOp(string kind)
        : base(kind, 1, 1)
    {
    }

    internal sealed override bool WaitsForAllInput => true;

    /// <summary>Whether the output order replaces the stream order (Sort, Shuffle); if not, entries keep their keys.</summary>
    protected abstract bool Reorders { get; }

    /// <summary>Makes the collector for one run.</summary>
    protected abstract Collector CreateCollector(OpContext context);

    internal sealed override OpBlocks Materialize(OpContext context)
    {
        var collector = CreateCollector(context);
        var input = new ActionBlock<Entry>(
            entry =>
            {
                context.Counters.AddIn();
                Entry? discarded;
                try
                {
                    discarded = collector.Add(entry);
                }
                catch (Exception ex)
                {
                    throw context.Fail(entry, ex);
                }

                if (discarded is not null)
                {
                    context.Dropped(discarded);
                }
            },
            context.Serial);
        var output = new BufferBlock<Entry>(context.Buffer);
        var finishing = EmitWhenCompleteAsync(context, input.Completion, output, collector);
        return new OpBlocks([input], [output]) { Finishing = finishing };
    }

    private async Task EmitWhenCompleteAsync(OpContext context, Task inputDone, BufferBlock<Entry> output, Collector collector)
    {
        await inputDone.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!inputDone.IsCompletedSuccessfully)
        {
            OutputPump.CompleteLike(inputDone, output);
            return;
        }

        await OutputPump.PumpAsync(context, Finished(collector), output, Reorders).ConfigureAwait(false);
    }

    // Enumerated by the pump, so an error in Finish is reported like any other output error.
    private static IEnumerable<Entry> Finished(Collector collector)
    {
        foreach (var entry in collector.Finish())
        {
            yield return entry;
        }
    }
}
