using System.Collections;

namespace BatchFactory.Engine;

/// <summary>A read-only list whose count is known now and whose items are made on first use, all at once (thread-safe).</summary>
internal sealed class LazyList<T>(int count, Func<IReadOnlyList<T>> build) : IReadOnlyList<T>
{
    private readonly Lazy<IReadOnlyList<T>> _items = new(build);

    public int Count => count;

    public T this[int index] => _items.Value[index];

    public IEnumerator<T> GetEnumerator() => _items.Value.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
