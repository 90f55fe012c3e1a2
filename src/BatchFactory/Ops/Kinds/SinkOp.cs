using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>
/// An op with one in-port and no out-port that keeps what reaches it and, when its input ends,
/// publishes it as a <see cref="RunOutput"/> in stream order.
/// </summary>
internal abstract class SinkOp : Op
{
    protected SinkOp(string kind)
        : base(kind, 1, 0)
    {
    }

    /// <summary>The fields kept per entry; empty to keep whole entries.</summary>
    protected abstract IReadOnlyList<string> Keys { get; }

    internal sealed override OpBlocks Materialize(OpContext context)
    {
        var kept = new List<Kept>();
        var inOrder = new StrongBox<bool>(true);
        var input = new ActionBlock<Entry>(
            entry =>
            {
                context.Counters.AddIn();
                try
                {
                    if (kept.Count > 0 && entry.Order.CompareTo(kept[^1].Order) < 0)
                    {
                        inOrder.Value = false;
                    }

                    kept.Add(Keep(entry));
                }
                catch (Exception ex)
                {
                    throw context.Fail(entry, ex);
                }
            },
            context.Serial);
        var finishing = PublishWhenCompleteAsync(context, input.Completion, kept, inOrder);
        return new OpBlocks([input], []) { Finishing = finishing };
    }

    private Kept Keep(Entry entry)
    {
        if (Keys.Count == 0)
        {
            return new Kept(entry.Order, entry.Idx, entry.Data, entry);
        }

        if (Keys.Count == 1)
        {
            return new Kept(entry.Order, entry.Idx, Take(entry, Keys[0]), null);
        }

        var row = new JsonObject();
        foreach (var key in Keys)
        {
            row[key] = Take(entry, key);
        }

        return new Kept(entry.Order, entry.Idx, row, null);
    }

    // The entry ends here, so its nodes can move to the output without a copy.
    private static JsonNode? Take(Entry entry, string key)
    {
        if (!entry.Data.Remove(key, out var node))
        {
            throw entry.MissingField(key);
        }

        return node;
    }

    private async Task PublishWhenCompleteAsync(OpContext context, Task inputDone, List<Kept> kept, StrongBox<bool> inOrder)
    {
        await inputDone.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!inputDone.IsCompletedSuccessfully)
        {
            return;
        }

        // Entries usually arrive in stream order (one worker per op); sort only when some did not.
        if (!inOrder.Value)
        {
            kept.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        }

        var entries = Keys.Count == 0 ? kept.Select(k => k.Entry!).ToList() : null;
        context.Run.AddOutput(new RunOutput(context.Node, Name, Keys, [.. kept.Select(k => k.Idx)], [.. kept.Select(k => k.Value)], entries));
    }

    private readonly record struct Kept(OrderKey Order, string Idx, JsonNode? Value, Entry? Entry);
}
