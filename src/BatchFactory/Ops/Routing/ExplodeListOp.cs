using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// Turns one entry into one entry per list item. Several lists are zipped (they must have equal lengths).
/// Each child keeps the other fields, gets item i of each list under the output keys, and has idx
/// <c>{parent idx}#{i}</c> and the parent's stream position followed by i. An empty list yields no entries.
/// </summary>
internal sealed class ExplodeListOp : BlockOp
{
    private readonly string[] _listKeys;
    private readonly string[] _itemKeys;
    private readonly string? _indexKey;

    public ExplodeListOp(string[] listKeys, string[] itemKeys, string? indexKey)
        : base("ExplodeList", 1, 1)
    {
        KeyChecks.Pairs(Kind, listKeys, itemKeys, nameof(listKeys), nameof(itemKeys));
        _listKeys = listKeys;
        _itemKeys = itemKeys;
        _indexKey = indexKey;
    }

    private protected override string Describe() => $"{string.Join(", ", _listKeys)} -> {string.Join(", ", _itemKeys)}";

    internal override OpBlocks Materialize(OpContext context)
    {
        var block = new TransformManyBlock<Entry, Entry>(
            entry =>
            {
                context.Counters.AddIn();
                List<Entry> children;
                try
                {
                    children = Explode(entry);
                }
                catch (Exception ex)
                {
                    throw context.Fail(entry, ex);
                }

                if (children.Count == 0)
                {
                    context.Dropped(entry);
                }
                else
                {
                    OpContext.Multiplied(entry, children.Count - 1);
                }

                for (var i = 0; i < children.Count; i++)
                {
                    context.Counters.AddOut();
                }

                return children;
            },
            context.PerEntry);
        return new OpBlocks([block], [block]);
    }

    private List<Entry> Explode(Entry entry)
    {
        var lists = new JsonArray[_listKeys.Length];
        for (var k = 0; k < _listKeys.Length; k++)
        {
            var node = entry.Take(_listKeys[k]);
            lists[k] = node as JsonArray ?? throw new EntryFieldException(entry.Idx, _listKeys[k],
                $"Field '{_listKeys[k]}' of entry '{entry.Idx}' is {JsonFieldCodec.Preview(node)}, not a list.");
            if (lists[k].Count != lists[0].Count)
            {
                throw new EntryFieldException(entry.Idx, _listKeys[k],
                    $"Entry '{entry.Idx}': list '{_listKeys[k]}' has {lists[k].Count} items but '{_listKeys[0]}' has {lists[0].Count}; zipped lists must have equal lengths.");
            }
        }

        var children = new List<Entry>(lists[0].Count);
        for (var i = 0; i < lists[0].Count; i++)
        {
            var child = entry.CloneAs($"{entry.Idx}#{i}", rev: 0);
            child.Order = entry.Order.Child(i);
            for (var k = 0; k < _itemKeys.Length; k++)
            {
                child.Data[_itemKeys[k]] = lists[k][i]?.DeepClone();
            }

            if (_indexKey is not null)
            {
                child.Data[_indexKey] = i;
            }

            children.Add(child);
        }

        return children;
    }
}
