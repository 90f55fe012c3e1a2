using System.Globalization;

namespace BatchFactory.Benchmarks;

/// <summary>Small helpers for reading the harnesses' command-line options.</summary>
internal static class Cli
{
    /// <summary>The value after the option at <paramref name="i"/>, moving <paramref name="i"/> onto it.</summary>
    public static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

    /// <summary>A positive whole number, allowing <c>_</c> and <c>,</c> as digit separators.</summary>
    public static int PositiveInt(string name, string text)
    {
        var cleaned = text.Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal);
        return int.TryParse(cleaned, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} takes a positive whole number, not '{text}'.");
    }

    /// <summary>
    /// Reads <paramref name="args"/> into <paramref name="options"/>: <paramref name="mode"/> (the harness's own switch)
    /// is skipped, and each other option must be a key of <paramref name="valued"/>, which applies the value after it.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown option, an option without its value, or a value the option refuses.</exception>
    public static T Parse<T>(string[] args, string mode, T options, IReadOnlyDictionary<string, Func<T, string, T>> valued)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == mode)
            {
                continue;
            }

            var apply = valued.GetValueOrDefault(args[i]) ?? throw new ArgumentException($"unknown argument '{args[i]}'.");
            options = apply(options, Value(args, ref i));
        }

        return options;
    }
}
