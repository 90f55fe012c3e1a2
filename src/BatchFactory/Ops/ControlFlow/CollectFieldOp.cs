using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// Merges fields back onto entries: an entry on in-port 1 gives its <c>keys</c> to the entry with the same idx on
/// in-port 0, which then leaves; whichever comes first waits for the other. When both inputs have ended, entries on
/// in-port 0 that never met a partner leave unchanged, and unmatched in-port 1 entries are dropped. Because of that last
/// step it cannot be inside a loop body: a partner dropped in the loop would keep its entry, and so the loop, waiting.
/// </summary>
internal sealed class CollectFieldOp : BlockOp
{
    private readonly string[] _keys;

    public CollectFieldOp(string[] keys)
        : base("CollectField", 2, 1)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.Length > 0 && !keys.Any(string.IsNullOrEmpty)
            ? keys
            : throw new ArgumentException("CollectField: name at least one field to copy, none empty.", nameof(keys));
        KeyChecks.Distinct(Kind, keys, nameof(keys));
    }

    private protected override string Describe() => string.Join(", ", _keys);

    internal override bool WaitsForAllInput => true;

    internal override OpBlocks Materialize(OpContext context)
    {
        var output = new BufferBlock<Entry>(context.Buffer);
        var waiting = new[] { new Dictionary<string, Queue<Entry>>(), new Dictionary<string, Queue<Entry>>() };
        var inputs = Enumerable.Range(0, 2).Select(port => new ActionBlock<Entry>(
            async entry =>
            {
                context.Counters.AddIn();
                if (Pair(waiting, port, entry) is not { } pair)
                {
                    return;
                }

                var (target, donor) = pair;
                foreach (var key in _keys)
                {
                    target.Data[key] = donor.Data.TryGetPropertyValue(key, out var value) ? value?.DeepClone() : null;
                }

                OpContext.Consumed(donor);
                await OutputPump.SendCountedAsync(context, output, target).ConfigureAwait(false);
            },
            context.Serial)).ToArray();
        var done = FlushUnmatchedAsync(context, Task.WhenAll(inputs.Select(i => i.Completion)), waiting, output);
        OutputPump.CompleteWhenDone(done, output);
        return new OpBlocks(inputs, [output]);
    }

    // The entry's partner from the other port if one waits (as (in-port 0 entry, in-port 1 entry)); else it waits.
    private static (Entry Target, Entry Donor)? Pair(Dictionary<string, Queue<Entry>>[] waiting, int port, Entry entry)
    {
        lock (waiting)
        {
            if (waiting[1 - port].TryGetValue(entry.Idx, out var others) && others.TryDequeue(out var other))
            {
                if (others.Count == 0)
                {
                    waiting[1 - port].Remove(entry.Idx);
                }

                return port == 0 ? (entry, other) : (other, entry);
            }

            if (!waiting[port].TryGetValue(entry.Idx, out var mine))
            {
                waiting[port][entry.Idx] = mine = new Queue<Entry>();
            }

            mine.Enqueue(entry);
            return null;
        }
    }

    private static async Task FlushUnmatchedAsync(OpContext context, Task inputsDone, Dictionary<string, Queue<Entry>>[] waiting, ITargetBlock<Entry> output)
    {
        await inputsDone.ConfigureAwait(false);
        foreach (var entry in waiting[0].Values.SelectMany(q => q).OrderBy(e => e.Order))
        {
            await OutputPump.SendCountedAsync(context, output, entry).ConfigureAwait(false);
        }

        foreach (var entry in waiting[1].Values.SelectMany(q => q))
        {
            context.Dropped(entry);
        }
    }

}
