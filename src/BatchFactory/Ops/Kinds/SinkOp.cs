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
        var keep = Step(context, out var publish);
        var input = new ActionBlock<Entry>(keep, context.Serial);
        return new OpBlocks([input], []) { Finishing = publish(input.Completion) };
    }

    /// <summary>
    /// This sink's work on one entry for one run (thread-safe, so a fused chain with parallel workers can end in it),
    /// and, through <paramref name="publish"/>, the task that publishes the output once the given input task ends.
    /// </summary>
    internal Action<Entry> Step(OpContext context, out Func<Task, Task> publish)
    {
        var kept = new Kept(keepEntries: Keys.Count == 0);
        publish = inputDone => PublishWhenCompleteAsync(context, inputDone, kept);
        return entry =>
        {
            context.Counters.AddIn();
            try
            {
                var value = Keys.Count == 0 ? entry.Data : Value(entry);
                lock (kept)
                {
                    kept.Add(entry, value);
                }

                OpContext.Consumed(entry);
            }
            catch (Exception ex)
            {
                throw context.Fail(entry, ex);
            }
        };
    }

    // The entry ends here, so its nodes move to the output without a copy.
    private JsonNode? Value(Entry entry)
    {
        if (Keys.Count == 1)
        {
            return entry.Take(Keys[0]);
        }

        var row = new JsonObject();
        foreach (var key in Keys)
        {
            row[key] = entry.Take(key);
        }

        return row;
    }

    private async Task PublishWhenCompleteAsync(OpContext context, Task inputDone, Kept kept)
    {
        await inputDone.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (inputDone.IsCompletedSuccessfully)
        {
            kept.PutInStreamOrder();
            context.Run.AddOutput(new RunOutput(context.Node, Name, Keys, kept.Idxs, kept.Values, kept.Entries));
        }
    }

    /// <summary>What a sink kept in one run, in parallel lists (cheaper than a list of rows for millions of entries).</summary>
    private sealed class Kept(bool keepEntries)
    {
        private List<OrderKey> _orders = [];
        private bool _inOrder = true;

        public List<string> Idxs { get; private set; } = [];

        public List<JsonNode?> Values { get; private set; } = [];

        public List<Entry>? Entries { get; private set; } = keepEntries ? [] : null;

        public void Add(Entry entry, JsonNode? value)
        {
            if (_orders.Count > 0 && entry.Order.CompareTo(_orders[^1]) < 0)
            {
                _inOrder = false;
            }

            _orders.Add(entry.Order);
            Idxs.Add(entry.Idx);
            Values.Add(value);
            Entries?.Add(entry);
        }

        // Entries usually arrive in stream order (one worker per op); reorder only when some did not.
        public void PutInStreamOrder()
        {
            if (_inOrder)
            {
                return;
            }

            var order = Enumerable.Range(0, _orders.Count).ToArray();
            var keys = _orders.ToArray();
            Array.Sort(keys, order);
            Idxs = [.. order.Select(i => Idxs[i])];
            Values = [.. order.Select(i => Values[i])];
            Entries = Entries is null ? null : [.. order.Select(i => Entries[i])];
            _orders = [.. keys];
        }
    }
}
