using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>
    /// A sink that collects the values of <paramref name="keys"/> from every entry, in stream order; read them with
    /// <see cref="RunResult.Values{T}()"/>. One key gives that field's value per entry; several give an object of those
    /// fields per entry. A missing field fails the run, naming the field and idx.
    /// </summary>
    /// <param name="keys">The fields to collect.</param>
    /// <returns>The sink op.</returns>
    public static Op ToList(params string[] keys) => new ToListOp(keys);

    /// <summary>A sink that collects every entry, in stream order; read them with <see cref="RunResult.Entries"/>.</summary>
    /// <returns>The sink op.</returns>
    public static Op OutputEntries() => new OutputEntriesOp();

    /// <summary>
    /// A sink that keeps nothing but the number of entries that reach it; read it with <see cref="RunResult.Count"/>
    /// (the only output op) or <see cref="RunResult.CountOf(string)"/> (named with <see cref="Op.Named(string)"/>). Ends
    /// a graph or a branch where only "how many" matters, e.g. after a Filter, without holding a million entries.
    /// </summary>
    /// <returns>The sink op.</returns>
    public static Op Count() => new CountOp();

    /// <summary>Prints the first <paramref name="first"/> entries that pass (idx, rev and data) and passes every entry on.</summary>
    /// <param name="first">How many to print; negative for all. Default 10.</param>
    /// <param name="writer">Where to print; <see cref="RunOptions.Output"/>, else the console, when <see langword="null"/>.</param>
    /// <returns>The op.</returns>
    public static Op PrintEntry(int first = 10, TextWriter? writer = null) => new PrintOp([], first, writer);

    /// <summary>Prints fields of the first <paramref name="first"/> entries that pass (strings as plain text) and passes every entry on.</summary>
    /// <param name="key">The field to print.</param>
    /// <param name="first">How many to print; negative for all. Default 10.</param>
    /// <param name="writer">Where to print; <see cref="RunOptions.Output"/>, else the console, when <see langword="null"/>.</param>
    /// <returns>The op.</returns>
    public static Op PrintField(string key, int first = 10, TextWriter? writer = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return new PrintOp([key], first, writer);
    }
}
