using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;
using BatchFactory.Entries;

namespace BatchFactory.Engine.Kinds;

/// <summary>
/// An op with one in-port and no out-port that keeps what reaches it and, when its input ends,
/// publishes it as a <see cref="RunOutput"/> in stream order.
/// </summary>
internal abstract class SinkOp : BlockOp
{
    protected SinkOp(string kind)
        : base(kind, 1, 0)
    {
    }

    /// <summary>The fields kept per entry; empty to keep whole entries.</summary>
    protected abstract IReadOnlyList<string> Keys { get; }

    /// <summary>Whether the sink keeps only the number of entries (Count), not the entries or their fields.</summary>
    private protected virtual bool CountsOnly => false;

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
        if (CountsOnly)
        {
            return CountStep(context, out publish);
        }

        var kept = new Kept(Keys);
        publish = inputDone => PublishWhenCompleteAsync(context, inputDone, kept);
        return entry =>
        {
            context.Counters.AddIn();
            try
            {
                foreach (var key in Keys)
                {
                    if (!entry.Has(key))
                    {
                        throw entry.MissingField(key);
                    }
                }

                lock (kept)
                {
                    kept.Add(entry);
                }

                OpContext.Consumed(entry);
            }
            catch (Exception ex)
            {
                throw context.Fail(entry, ex);
            }
        };
    }

    private Action<Entry> CountStep(OpContext context, out Func<Task, Task> publish)
    {
        var count = new StrongBox<long>();
        publish = async inputDone =>
        {
            await inputDone.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (inputDone.IsCompletedSuccessfully)
            {
                context.Run.AddOutput(RunOutput.Counted(context.Node, Name, Interlocked.Read(ref count.Value)));
            }
        };
        return entry =>
        {
            context.Counters.AddIn();
            Interlocked.Increment(ref count.Value);
            OpContext.Consumed(entry);
        };
    }

    private async Task PublishWhenCompleteAsync(OpContext context, Task inputDone, Kept kept)
    {
        await inputDone.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (inputDone.IsCompletedSuccessfully)
        {
            context.Run.AddOutput(kept.Publish(context.Node, Name, Keys));
        }
    }

    /// <summary>
    /// What a sink kept in one run. OutputEntries keeps the entries; ToList keeps each idx and value as UTF-8 in packed
    /// chunks (no object per entry, so keeping a million values does not burden the garbage collector), and the output
    /// turns them back into strings and JSON nodes when it is first read.
    /// </summary>
    private sealed class Kept
    {
        private readonly IReadOnlyList<string> _keys;
        private readonly List<OrderKey> _orders = [];
        private readonly List<Entry>? _entries;
        private readonly PackedList _idxs = new();
        private readonly PackedList _values = new();
        private readonly ArrayBufferWriter<byte> _scratch = new(256);
        private readonly Utf8JsonWriter _writer;
        private bool _inOrder = true;

        /// <param name="keys">The fields ToList keeps; empty for OutputEntries, which keeps whole entries.</param>
        public Kept(IReadOnlyList<string> keys)
        {
            _keys = keys;
            _entries = keys.Count == 0 ? [] : null;
            _writer = new Utf8JsonWriter(_scratch);
        }

        /// <summary>
        /// Keeps the entry (OutputEntries) or its idx and the value of its fields (ToList: the field's value for one key,
        /// an object of the fields for several). Called under a lock, with every field present.
        /// </summary>
        public void Add(Entry entry)
        {
            if (_orders.Count > 0 && entry.Order.CompareTo(_orders[^1]) < 0)
            {
                _inOrder = false;
            }

            _orders.Add(entry.Order);
            if (_entries is not null)
            {
                _entries.Add(entry);
                return;
            }

            Encoding.UTF8.GetBytes(entry.Idx, _idxs.Reserve(Encoding.UTF8.GetByteCount(entry.Idx)));
            _scratch.ResetWrittenCount();
            _writer.Reset(_scratch);
            if (_keys.Count == 1)
            {
                Write(entry.Data[_keys[0]]);
            }
            else
            {
                _writer.WriteStartObject();
                foreach (var key in _keys)
                {
                    _writer.WritePropertyName(key);
                    Write(entry.Data[key]);
                }

                _writer.WriteEndObject();
            }

            _writer.Flush();
            _values.Add(_scratch.WrittenSpan);
        }

        private void Write(JsonNode? value)
        {
            if (value is null)
            {
                _writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(_writer);
            }
        }

        /// <summary>The output, in stream order.</summary>
        public RunOutput Publish(int node, string name, IReadOnlyList<string> keys)
        {
            var order = StreamOrder();
            if (_entries is not null)
            {
                List<Entry> entries = order is null ? _entries : [.. order.Select(i => _entries[i])];
                return new RunOutput(node, name, keys, [.. entries.Select(e => e.Idx)], [.. entries.Select(e => (JsonNode?)e.Data)], entries);
            }

            var count = _orders.Count;
            return new RunOutput(
                node,
                name,
                keys,
                new LazyList<string>(count, () => Decode(count, order, i => Encoding.UTF8.GetString(_idxs[i]))),
                new LazyList<JsonNode?>(count, () => Decode(count, order, i => JsonNode.Parse(_values[i]))),
                null);
        }

        private static List<T> Decode<T>(int count, int[]? order, Func<int, T> item)
        {
            var items = new List<T>(count);
            for (var k = 0; k < count; k++)
            {
                items.Add(item(order?[k] ?? k));
            }

            return items;
        }

        // Entries usually arrive in stream order (one worker per op); sort positions only when some did not.
        private int[]? StreamOrder()
        {
            if (_inOrder)
            {
                return null;
            }

            var order = Enumerable.Range(0, _orders.Count).ToArray();
            Array.Sort(_orders.ToArray(), order);
            return order;
        }
    }
}
