using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>
    /// A source that emits one entry per item, in list order. An item that is an object (a record, a class,
    /// an anonymous object, a dictionary, a <see cref="System.Text.Json.Nodes.JsonObject"/>) gives its properties
    /// as fields, named as declared; with <paramref name="outputKey"/>, each item (object or scalar) is stored
    /// whole under that field instead.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items; enumerated lazily, once per run, so it may be large or computed.</param>
    /// <param name="outputKey">Store each item under this field. Required for scalars (numbers, strings, …).</param>
    /// <param name="idxKey">
    /// Take each entry's idx from this field (a string or number; must be unique). When <see langword="null"/>
    /// (the default), the idx is derived from the item's content: 16 hex digits of a 64-bit XXH3 hash of its JSON, the same on every
    /// run; repeated content gets <c>-2</c>, <c>-3</c>, … in list order.
    /// </param>
    /// <returns>The source op.</returns>
    /// <remarks>An item that is not an object without <paramref name="outputKey"/>, or an idx field that is missing or repeated, fails the run with an <see cref="OpException"/> naming the item position.</remarks>
    public static Op FromList<T>(IEnumerable<T> items, string? outputKey = null, string? idxKey = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (outputKey is { Length: 0 } || idxKey is { Length: 0 })
        {
            throw new ArgumentException("FromList: outputKey and idxKey must not be empty strings.");
        }

        return new FromListOp<T>(items, outputKey, idxKey);
    }
}
