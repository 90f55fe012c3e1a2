using System.Collections;
using System.Text.Json.Nodes;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Emits one entry per item of a list: an object's properties become fields, or a scalar goes under a key.</summary>
internal sealed class FromListOp<T> : SourceOp
{
    private readonly IEnumerable<T> _items;
    private readonly string? _outputKey;
    private readonly string? _idxKey;

    public FromListOp(IEnumerable<T> items, string? outputKey, string? idxKey)
        : base("FromList")
    {
        _items = items;
        _outputKey = outputKey;
        _idxKey = idxKey;
    }

    internal override long? KnownCount => _items switch
    {
        ICollection c => c.Count,
        IReadOnlyCollection<T> r => r.Count,
        _ => null,
    };

    private protected override string Describe()
    {
        var count = _items is ICollection c ? $"{c.Count} items" : "items";
        var key = _outputKey is null ? string.Empty : $" -> {_outputKey}";
        var idx = _idxKey is null ? string.Empty : $", idx from {_idxKey}";
        return count + key + idx;
    }

    protected override IEnumerable<Entry> Produce(OpContext context)
    {
        var scratch = new JsonScratch();
        var idxs = new SourceIdx("FromList", _idxKey);
        var position = 0;
        foreach (var item in _items)
        {
            JsonObject data;
            string? idx;
            try
            {
                // Objects are serialised once: the same bytes give the content idx and the entry's data.
                if (_outputKey is null && item is not JsonNode)
                {
                    var json = scratch.Write(item);
                    data = AsObject(JsonNode.Parse(json), item, position);
                    idx = idxs.UsesContent ? idxs.FromContent(json) : null;
                }
                else
                {
                    data = _outputKey is null ? AsObject(JsonFieldCodec.ToNode(item), item, position) : new JsonObject { [_outputKey] = JsonFieldCodec.ToNode(item) };
                    idx = idxs.UsesContent ? idxs.FromContent(scratch.Write(data)) : null;
                }
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"FromList: item {position} cannot become an entry: {ex.Message}", ex);
            }

            yield return new Entry(idx ?? idxs.Next(data, $"item {position}"), data);
            position++;
        }
    }

    private static JsonObject AsObject(JsonNode? node, T item, int position)
    {
        return node as JsonObject ?? throw new InvalidDataException(
            $"FromList: item {position} is {JsonFieldCodec.Preview(node)} ({(item is null ? "null" : JsonFieldCodec.Describe(item.GetType()))}), not an object with fields; " +
            "pass outputKey: to store each item under a field.");
    }
}
