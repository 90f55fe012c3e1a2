using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries.Scopes;

namespace BatchFactory.Operators;

/// <summary>
/// Spawns one child entry per list item: out-port 0 passes the master entry on (to a collector), out-port 1 sends the
/// children. Child i holds item i of each list under the item keys and nothing else; it has idx <c>{master idx}#{i}</c>
/// and the master's stream position followed by i. Several lists are zipped; a list of one item, or a field that is not
/// a list, is given to every child.
/// </summary>
internal sealed class SpawnFromListOp : BlockOp
{
    private readonly string[] _listKeys;
    private readonly string[] _itemKeys;

    public SpawnFromListOp(string[] listKeys, string[] itemKeys)
        : base("SpawnFromList", 1, 2)
    {
        KeyChecks.Pairs(Kind, listKeys, itemKeys, nameof(listKeys), nameof(itemKeys));
        _listKeys = listKeys;
        _itemKeys = itemKeys;
    }

    private protected override string Describe() => $"{string.Join(", ", _listKeys)} -> {string.Join(", ", _itemKeys)}";

    internal override OpBlocks Materialize(OpContext context)
    {
        BufferBlock<Entry> masters = new(context.Buffer), children = new(context.Buffer);
        var input = new ActionBlock<Entry>(
            async master =>
            {
                context.Counters.AddIn();
                List<Entry> spawned;
                try
                {
                    spawned = Spawn(master);
                }
                catch (Exception ex)
                {
                    throw context.Fail(master, ex);
                }

                await OutputPump.SendCountedAsync(context, masters, master).ConfigureAwait(false);
                foreach (var child in spawned)
                {
                    await OutputPump.SendCountedAsync(context, children, child).ConfigureAwait(false);
                }
            },
            context.Serial);
        OutputPump.CompleteWhenDone(input.Completion, masters, children);
        return new OpBlocks([input], [masters, children]);
    }


    private List<Entry> Spawn(Entry master)
    {
        var values = new JsonNode?[_listKeys.Length];
        var count = -1;
        string? countKey = null;
        for (var k = 0; k < _listKeys.Length; k++)
        {
            if (!master.Data.TryGetPropertyValue(_listKeys[k], out values[k]))
            {
                throw new EntryFieldException(master.Idx, _listKeys[k], $"Entry '{master.Idx}' has no field '{_listKeys[k]}' to spawn from.");
            }

            if (values[k] is JsonArray { Count: not 1 } list)
            {
                if (count >= 0 && list.Count != count)
                {
                    throw new EntryFieldException(master.Idx, _listKeys[k],
                        $"Entry '{master.Idx}': list '{_listKeys[k]}' has {list.Count} items but '{countKey}' has {count}; zipped lists must have equal lengths (or one item, given to every child).");
                }

                (count, countKey) = (list.Count, _listKeys[k]);
            }
        }

        if (count < 0)
        {
            count = values.Any(v => v is JsonArray) ? 1 : throw new EntryFieldException(master.Idx, _listKeys[0],
                $"Entry '{master.Idx}': none of the fields {string.Join(", ", _listKeys.Select(k => $"'{k}'"))} holds a list to spawn from.");
        }

        var group = new SpawnGroup(master, count);
        master.Spawned = group;
        var children = new List<Entry>(count);
        for (var i = 0; i < count; i++)
        {
            var data = new JsonObject();
            for (var k = 0; k < _itemKeys.Length; k++)
            {
                var item = values[k] is JsonArray list ? list[list.Count == 1 ? 0 : i] : values[k];
                data[_itemKeys[k]] = item?.DeepClone();
            }

            children.Add(new Entry($"{master.Idx}#{i}", data) { Order = master.Order.Child(i), Frame = new ScopeFrame(group, null) });
        }

        return children;
    }
}
