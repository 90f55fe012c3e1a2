using System.Text.Json.Nodes;

namespace BatchFactory;

public sealed partial class Entry
{
    /// <summary>Whether the entry has a field of this name (a JSON <c>null</c> value counts as present).</summary>
    /// <param name="field">The field name.</param>
    /// <returns><see langword="true"/> when <see cref="Data"/> contains <paramref name="field"/>.</returns>
    public bool Has(string field) => Data.ContainsKey(field);

    /// <summary>Reads a field as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The CLR type to read, e.g. <see cref="int"/>, <see cref="string"/>, a record, a list.</typeparam>
    /// <param name="field">The field name.</param>
    /// <returns>The converted value.</returns>
    /// <exception cref="EntryFieldException">The field is missing, or its value is not a <typeparamref name="T"/>; the message names the field and idx.</exception>
    public T Get<T>(string field)
    {
        if (!Data.TryGetPropertyValue(field, out var node))
        {
            throw MissingField(field);
        }

        return Convert<T>(field, node);
    }

    /// <summary>Reads a field as <typeparamref name="T"/>, or returns <paramref name="fallback"/> when it is missing or null.</summary>
    /// <typeparam name="T">The CLR type to read.</typeparam>
    /// <param name="field">The field name.</param>
    /// <param name="fallback">The value returned for a missing or null field.</param>
    /// <returns>The converted value or <paramref name="fallback"/>.</returns>
    /// <exception cref="EntryFieldException">The field holds a value that is not a <typeparamref name="T"/>.</exception>
    public T GetOrDefault<T>(string field, T fallback = default!)
    {
        return Data.TryGetPropertyValue(field, out var node) && node is not null ? Convert<T>(field, node) : fallback;
    }

    /// <summary>Sets a field to a value, converting it to JSON.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="field">The field name; created or replaced.</param>
    /// <param name="value">The value; must round-trip through JSON.</param>
    /// <returns>This entry, for chaining.</returns>
    /// <exception cref="EntryFieldException">The value cannot be stored as JSON (NaN, infinity, an unserialisable type).</exception>
    public Entry Set<T>(string field, T value)
    {
        ArgumentNullException.ThrowIfNull(field);
        JsonNode? node;
        try
        {
            node = JsonFieldCodec.ToNode(value);
        }
        catch (ArgumentException ex)
        {
            throw new EntryFieldException(Idx, field, $"Cannot set field '{field}' of entry '{Idx}': {ex.Message}.", ex);
        }

        Data[field] = node;
        return this;
    }

    /// <summary>Removes a field if present.</summary>
    /// <param name="field">The field name.</param>
    /// <returns><see langword="true"/> when the field existed.</returns>
    public bool Remove(string field) => Data.Remove(field);

    /// <summary>Removes a field and returns its node (detached, so it can move elsewhere without a copy).</summary>
    /// <exception cref="EntryFieldException">The field is missing; the message names it and the idx.</exception>
    internal JsonNode? Take(string field) => Data.Remove(field, out var node) ? node : throw MissingField(field);

    internal EntryFieldException MissingField(string field)
    {
        var present = Data.Count == 0 ? "it has no fields" : "it has: " + string.Join(", ", Data.Select(p => p.Key).Take(20));
        return new EntryFieldException(Idx, field, $"Entry '{Idx}' has no field '{field}' ({present}).");
    }

    private T Convert<T>(string field, JsonNode? node)
    {
        try
        {
            return JsonFieldCodec.FromNode<T>(node);
        }
        catch (InvalidCastException ex)
        {
            throw new EntryFieldException(Idx, field, $"Field '{field}' of entry '{Idx}' cannot be read as {JsonFieldCodec.Describe(typeof(T))}: {ex.Message}.", ex);
        }
    }
}
