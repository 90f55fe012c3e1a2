using System.Collections;
using System.Text.Json.Nodes;
using BatchFactory.Engine;

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
        var contentIdx = _idxKey is null ? new ContentIdx() : null;
        var seenIdx = _idxKey is null ? null : new HashSet<string>(StringComparer.Ordinal);
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
                    idx = contentIdx?.Next(json);
                }
                else
                {
                    data = _outputKey is null ? AsObject(JsonFieldCodec.ToNode(item), item, position) : new JsonObject { [_outputKey] = JsonFieldCodec.ToNode(item) };
                    idx = contentIdx?.Next(scratch.Write(data));
                }
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"FromList: item {position} cannot become an entry: {ex.Message}", ex);
            }

            yield return new Entry(idx ?? IdxFromField(data, position, seenIdx!), data);
            position++;
        }
    }

    private static JsonObject AsObject(JsonNode? node, T item, int position)
    {
        return node as JsonObject ?? throw new InvalidDataException(
            $"FromList: item {position} is {JsonFieldCodec.Preview(node)} ({(item is null ? "null" : JsonFieldCodec.Describe(item.GetType()))}), not an object with fields; " +
            "pass outputKey: to store each item under a field.");
    }

    private string IdxFromField(JsonObject data, int position, HashSet<string> seen)
    {
        if (!data.TryGetPropertyValue(_idxKey!, out var node) || node is not JsonValue value)
        {
            throw new ArgumentException($"FromList: item {position} has no field '{_idxKey}' to take its idx from (idxKey: '{_idxKey}').");
        }

        var idx = value.TryGetValue<string>(out var text) ? text : value.ToJsonString();
        if (string.IsNullOrEmpty(idx))
        {
            throw new ArgumentException($"FromList: item {position} has an empty idx in field '{_idxKey}'.");
        }

        return seen.Add(idx) ? idx : throw new ArgumentException($"FromList: item {position} repeats idx '{idx}' (field '{_idxKey}'); each entry needs a unique idx.");
    }
}
