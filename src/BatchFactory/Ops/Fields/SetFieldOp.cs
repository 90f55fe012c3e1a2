using System.Text.Json.Nodes;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Sets fields to constant values (converted to JSON once, copied into each entry).</summary>
internal sealed class SetFieldOp : EntryOp
{
    private readonly KeyValuePair<string, JsonNode?>[] _values;

    public SetFieldOp(IEnumerable<KeyValuePair<string, object?>> values)
        : base("SetField")
    {
        _values = [.. values.Select(Convert)];
        if (_values.Length == 0)
        {
            throw new ArgumentException("SetField: give at least one field to set.", nameof(values));
        }
    }

    private protected override string Describe() => string.Join(", ", _values.Select(v => $"{v.Key} = {JsonFieldCodec.Preview(v.Value)}"));

    protected override Entry? Process(Entry entry)
    {
        foreach (var (key, value) in _values)
        {
            entry.Data[key] = value?.DeepClone();
        }

        return entry;
    }

    private static KeyValuePair<string, JsonNode?> Convert(KeyValuePair<string, object?> pair)
    {
        ArgumentException.ThrowIfNullOrEmpty(pair.Key, "key");
        try
        {
            return new(pair.Key, JsonFieldCodec.ToNode(pair.Value));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"SetField: the value for '{pair.Key}' cannot be stored: {ex.Message}", ex);
        }
    }
}
