using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>
    /// Sorts the whole stream by a field. Waits for its whole input. Ties keep stream order. Values order as
    /// null &lt; booleans &lt; numbers &lt; strings (ordinal) &lt; lists &lt; objects. A missing field fails the run.
    /// </summary>
    /// <param name="key">The field to sort by.</param>
    /// <param name="descending">Largest first. Default <see langword="false"/>.</param>
    /// <returns>The op.</returns>
    public static Op Sort(string key, bool descending = false) => new SortOp([key], descending);

    /// <summary>Sorts the whole stream by several fields, the first one most significant; see <see cref="Sort(string, bool)"/>.</summary>
    /// <param name="keys">The fields to sort by.</param>
    /// <param name="descending">Largest first, for every key. Default <see langword="false"/>.</param>
    /// <returns>The op.</returns>
    public static Op Sort(string[] keys, bool descending = false) => new SortOp(keys, descending);

    /// <summary>
    /// Puts the whole stream in a random order fixed by <paramref name="seed"/> (entries are ordered by a seeded hash of
    /// their idx): the same seed gives the same order on every run and machine. Waits for its whole input.
    /// </summary>
    /// <param name="seed">Selects the order.</param>
    /// <returns>The op.</returns>
    public static Op Shuffle(long seed) => new ShuffleOp(seed);

    /// <summary>
    /// Keeps the first <paramref name="count"/> entries in stream order (source order, or the order of the last
    /// Sort or Shuffle) and drops the rest. Holds at most <paramref name="count"/> entries; emits once its input ends.
    /// </summary>
    /// <param name="count">How many entries to keep; 0 or more.</param>
    /// <returns>The op.</returns>
    public static Op TakeFirstN(int count) => new TakeFirstNOp(count);
}
