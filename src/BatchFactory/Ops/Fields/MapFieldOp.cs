using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Reads n input fields, calls a user function and writes its result to m output fields.</summary>
internal sealed class MapFieldOp : EntryOp
{
    private readonly string[] _inputKeys;
    private readonly string[] _outputKeys;
    private readonly Action<Entry> _apply;

    private MapFieldOp(string[] inputKeys, string[] outputKeys, Action<Entry> apply)
        : base("MapField")
    {
        _inputKeys = inputKeys;
        _outputKeys = outputKeys;
        _apply = apply;
    }

    /// <summary>Makes a MapField whose function result is stored by a typed writer (no boxing for one output key); <paramref name="call"/> reads the inputs and calls the user function.</summary>
    public static MapFieldOp Create<TResult>(string[] inputKeys, string[] outputKeys, Func<Entry, TResult> call)
    {
        ArgumentNullException.ThrowIfNull(inputKeys);
        ArgumentNullException.ThrowIfNull(outputKeys);
        CheckKeys(inputKeys, nameof(inputKeys));
        CheckKeys(outputKeys, nameof(outputKeys));
        KeyChecks.Distinct("MapField", outputKeys, nameof(outputKeys));
        if (outputKeys.Length == 1)
        {
            var key = outputKeys[0];
            return new MapFieldOp(inputKeys, outputKeys, e => e.Set(key, call(e)));
        }

        CheckTupleArity(typeof(TResult), outputKeys.Length);
        return new MapFieldOp(inputKeys, outputKeys, e => StoreTuple(e, outputKeys, call(e)));
    }

    /// <summary>
    /// Makes a MapField from a function over the whole entry that returns JSON (a YAML pipeline's expression): with one
    /// output key the value is stored there; with more, the function returns a list of as many values, stored in order.
    /// Every input key must be present.
    /// </summary>
    public static MapFieldOp FromJson(string[] inputKeys, string[] outputKeys, Func<Entry, JsonNode?> func)
    {
        CheckKeys(inputKeys, nameof(inputKeys));
        CheckKeys(outputKeys, nameof(outputKeys));
        KeyChecks.Distinct("MapField", outputKeys, nameof(outputKeys));
        return new MapFieldOp(inputKeys, outputKeys, entry =>
        {
            foreach (var key in inputKeys)
            {
                if (!entry.Data.ContainsKey(key))
                {
                    throw entry.MissingField(key);
                }
            }

            var result = func(entry);
            if (outputKeys.Length == 1)
            {
                entry.Set(outputKeys[0], result);
                return;
            }

            if (result is not JsonArray list || list.Count != outputKeys.Length)
            {
                throw new InvalidOperationException(
                    $"the expression must give a list of {outputKeys.Length} values for the output keys {string.Join(", ", outputKeys)}, but gave {result?.ToJsonString() ?? "null"}");
            }

            for (var i = 0; i < outputKeys.Length; i++)
            {
                entry.Set(outputKeys[i], list[i]);
            }
        });
    }

    internal override bool RunsUserCode => true;

    private protected override string Describe() => $"{string.Join(", ", _inputKeys)} -> {string.Join(", ", _outputKeys)}";

    protected override Entry? Process(Entry entry)
    {
        _apply(entry);
        return entry;
    }

    private static void StoreTuple(Entry entry, string[] outputKeys, object? result)
    {
        if (result is not ITuple tuple || tuple.Length != outputKeys.Length)
        {
            throw new InvalidOperationException(
                $"the function must return a tuple of {outputKeys.Length} values for the output keys {string.Join(", ", outputKeys)}, but returned {result ?? "null"}");
        }

        for (var i = 0; i < outputKeys.Length; i++)
        {
            entry.Set(outputKeys[i], tuple[i]);
        }
    }

    // The number of values in a tuple type (nesting past seven items included), or -1 for a non-tuple.
    private static int TupleLength(Type type)
    {
        if (!typeof(ITuple).IsAssignableFrom(type) || !type.IsGenericType)
        {
            return -1;
        }

        var args = type.GetGenericArguments();
        return args.Length == 8 ? 7 + TupleLength(args[7]) : args.Length;
    }

    private static void CheckKeys(string[] keys, string name)
    {
        if (keys.Length == 0 || keys.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException($"MapField: {name} must name at least one field, and no field name may be empty.", name);
        }
    }

    private static void CheckTupleArity(Type result, int count)
    {
        var arity = TupleLength(result);
        if (arity != count)
        {
            throw new ArgumentException(
                $"MapField: {count} output keys need a function that returns a tuple of {count} values, e.g. (a, b); it returns {JsonFieldCodec.Describe(result)}.");
        }
    }
}
