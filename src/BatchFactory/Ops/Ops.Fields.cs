using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>Applies <paramref name="func"/> to field <paramref name="inputKey"/> and stores the result in <paramref name="outputKey"/> (in place when omitted).</summary>
    /// <typeparam name="T">The input field's type.</typeparam>
    /// <typeparam name="TResult">The result's type; must round-trip through JSON.</typeparam>
    /// <param name="func">The function; runs once per entry, possibly on several entries at once.</param>
    /// <param name="inputKey">The input field. A missing field fails the run, naming the field and entry idx.</param>
    /// <param name="outputKey">The output field; <paramref name="inputKey"/> when <see langword="null"/>.</param>
    /// <returns>The op.</returns>
    public static Op MapField<T, TResult>(Func<T, TResult> func, string inputKey, string? outputKey = null)
    {
        ArgumentNullException.ThrowIfNull(func);
        return MapFieldOp.Create([inputKey], [outputKey ?? inputKey], e => func(e.Get<T>(inputKey)));
    }

    /// <summary>Applies <paramref name="func"/> to one field and spreads the tuple it returns over several fields.</summary>
    /// <typeparam name="T">The input field's type.</typeparam>
    /// <typeparam name="TResult">A tuple with one item per output key, e.g. <c>(string, int)</c>.</typeparam>
    /// <param name="func">The function.</param>
    /// <param name="inputKey">The input field.</param>
    /// <param name="outputKeys">The output fields, one per tuple item.</param>
    /// <returns>The op.</returns>
    public static Op MapField<T, TResult>(Func<T, TResult> func, string inputKey, string[] outputKeys)
    {
        ArgumentNullException.ThrowIfNull(func);
        return MapFieldOp.Create([inputKey], outputKeys, e => func(e.Get<T>(inputKey)));
    }

    /// <summary>Applies <paramref name="func"/> to two fields and stores the result in <paramref name="outputKey"/>.</summary>
    /// <typeparam name="T1">The first input field's type.</typeparam>
    /// <typeparam name="T2">The second input field's type.</typeparam>
    /// <typeparam name="TResult">The result's type.</typeparam>
    /// <param name="func">The function.</param>
    /// <param name="inputKeys">The two input fields, in argument order, e.g. <c>["headings", "keyword"]</c>.</param>
    /// <param name="outputKey">The output field.</param>
    /// <returns>The op.</returns>
    public static Op MapField<T1, T2, TResult>(Func<T1, T2, TResult> func, string[] inputKeys, string outputKey) =>
        MapField(func, inputKeys, [outputKey]);

    /// <summary>Applies <paramref name="func"/> to two fields; its result (a tuple when there are several output keys) goes to <paramref name="outputKeys"/>.</summary>
    /// <typeparam name="T1">The first input field's type.</typeparam>
    /// <typeparam name="T2">The second input field's type.</typeparam>
    /// <typeparam name="TResult">The result's type: a tuple with one item per output key when there are several.</typeparam>
    /// <param name="func">The function.</param>
    /// <param name="inputKeys">The two input fields, in argument order.</param>
    /// <param name="outputKeys">The output fields.</param>
    /// <returns>The op.</returns>
    public static Op MapField<T1, T2, TResult>(Func<T1, T2, TResult> func, string[] inputKeys, string[] outputKeys)
    {
        ArgumentNullException.ThrowIfNull(func);
        CheckArity(inputKeys, 2);
        return MapFieldOp.Create(inputKeys, outputKeys, e => func(e.Get<T1>(inputKeys[0]), e.Get<T2>(inputKeys[1])));
    }

    /// <summary>Applies <paramref name="func"/> to three fields and stores the result in <paramref name="outputKey"/>.</summary>
    /// <typeparam name="T1">The first input field's type.</typeparam>
    /// <typeparam name="T2">The second input field's type.</typeparam>
    /// <typeparam name="T3">The third input field's type.</typeparam>
    /// <typeparam name="TResult">The result's type.</typeparam>
    /// <param name="func">The function.</param>
    /// <param name="inputKeys">The three input fields, in argument order.</param>
    /// <param name="outputKey">The output field.</param>
    /// <returns>The op.</returns>
    public static Op MapField<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, string[] inputKeys, string outputKey) =>
        MapField(func, inputKeys, [outputKey]);

    /// <summary>Applies <paramref name="func"/> to three fields; its result (a tuple when there are several output keys) goes to <paramref name="outputKeys"/>.</summary>
    /// <typeparam name="T1">The first input field's type.</typeparam>
    /// <typeparam name="T2">The second input field's type.</typeparam>
    /// <typeparam name="T3">The third input field's type.</typeparam>
    /// <typeparam name="TResult">The result's type: a tuple with one item per output key when there are several.</typeparam>
    /// <param name="func">The function.</param>
    /// <param name="inputKeys">The three input fields, in argument order.</param>
    /// <param name="outputKeys">The output fields.</param>
    /// <returns>The op.</returns>
    public static Op MapField<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, string[] inputKeys, string[] outputKeys)
    {
        ArgumentNullException.ThrowIfNull(func);
        CheckArity(inputKeys, 3);
        return MapFieldOp.Create(inputKeys, outputKeys, e => func(e.Get<T1>(inputKeys[0]), e.Get<T2>(inputKeys[1]), e.Get<T3>(inputKeys[2])));
    }

    /// <summary>Sets a field to the same value in every entry (converted to JSON once, copied per entry).</summary>
    /// <param name="key">The field.</param>
    /// <param name="value">The value; must round-trip through JSON.</param>
    /// <returns>The op.</returns>
    public static Op SetField(string key, object? value) => new SetFieldOp([new(key, value)]);

    /// <summary>Sets several fields to the same values in every entry.</summary>
    /// <param name="values">Field names and values.</param>
    /// <returns>The op.</returns>
    public static Op SetField(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new SetFieldOp(values);
    }

    /// <summary>Renames a field. A missing field fails the run (naming field and idx); an existing <paramref name="to"/> is replaced.</summary>
    /// <param name="from">The current name.</param>
    /// <param name="to">The new name.</param>
    /// <returns>The op.</returns>
    public static Op RenameField(string from, string to) => new RenameFieldOp([new(from, to)]);

    /// <summary>Renames several fields, in the dictionary's order.</summary>
    /// <param name="renames">Current names mapped to new names.</param>
    /// <returns>The op.</returns>
    public static Op RenameField(IReadOnlyDictionary<string, string> renames)
    {
        ArgumentNullException.ThrowIfNull(renames);
        return new RenameFieldOp(renames);
    }

    /// <summary>Removes fields; fields that are absent are ignored.</summary>
    /// <param name="keys">The fields to remove.</param>
    /// <returns>The op.</returns>
    public static Op RemoveField(params string[] keys) => new RemoveFieldOp(keys);

    /// <summary>Calls <paramref name="action"/> on each entry, which may change its data in place.</summary>
    /// <param name="action">The action; runs once per entry, possibly on several entries at once.</param>
    /// <returns>The op.</returns>
    public static Op Apply(Action<Entry> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return new ApplyOp(action);
    }

    private static void CheckArity(string[] inputKeys, int arity)
    {
        ArgumentNullException.ThrowIfNull(inputKeys);
        if (inputKeys.Length != arity)
        {
            throw new ArgumentException($"MapField: the function takes {arity} arguments but {inputKeys.Length} input keys were given ({string.Join(", ", inputKeys)}).", nameof(inputKeys));
        }
    }
}
