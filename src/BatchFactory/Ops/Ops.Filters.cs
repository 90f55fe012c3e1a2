using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>Keeps the entries for which <paramref name="predicate"/> returns <see langword="true"/>.</summary>
    /// <param name="predicate">Decides per entry; runs possibly on several entries at once.</param>
    /// <returns>The op.</returns>
    public static Op Filter(Func<Entry, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new FilterOp(predicate, string.Empty);
    }

    /// <summary>Keeps the entries whose field <paramref name="key"/> satisfies <paramref name="predicate"/>.</summary>
    /// <typeparam name="T">The field's type.</typeparam>
    /// <param name="predicate">Decides per value.</param>
    /// <param name="key">The field; a missing field fails the run, naming the field and idx.</param>
    /// <returns>The op.</returns>
    public static Op Filter<T>(Func<T, bool> predicate, string key)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return new FilterOp(e => predicate(e.Get<T>(key)), key);
    }

    /// <summary>Drops entries that lack any of <paramref name="keys"/> (a field holding JSON null counts as present).</summary>
    /// <param name="keys">The fields every kept entry must have.</param>
    /// <returns>The op.</returns>
    public static Op FilterMissingFields(params string[] keys) => new FilterMissingFieldsOp(keys);

    /// <summary>Keeps only the entries whose idx is listed.</summary>
    /// <param name="idxs">The idx values to keep.</param>
    /// <returns>The op.</returns>
    public static Op IncludeIdx(IEnumerable<string> idxs) => new IdxFilterOp(idxs, keepListed: true);

    /// <summary>Drops the entries whose idx is listed.</summary>
    /// <param name="idxs">The idx values to drop.</param>
    /// <returns>The op.</returns>
    public static Op ExcludeIdx(IEnumerable<string> idxs) => new IdxFilterOp(idxs, keepListed: false);

    /// <summary>
    /// Keeps each entry with probability <paramref name="proportion"/>, decided by a seeded hash of its idx: the same
    /// seed keeps the same entries on every run, and the op streams (it holds nothing back).
    /// </summary>
    /// <param name="proportion">Between 0 (keep none) and 1 (keep all).</param>
    /// <param name="seed">Selects which entries are kept. Default 0.</param>
    /// <returns>The op.</returns>
    public static Op SampleProportion(double proportion, long seed = 0) => new SampleProportionOp(proportion, seed);
}
