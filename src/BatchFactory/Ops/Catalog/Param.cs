using System.Globalization;

namespace BatchFactory.Operators;

/// <summary>Shorthands that describe a parameter once: its name, type, default (as the builder uses it and as text) and summary.</summary>
internal static class Param
{
    public static OpParameter Required(string name, string type, string summary) => new(name, type, true, null, summary);

    public static OpParameter Optional(string name, string type, object? value, string summary) =>
        new(name, type, false, Text(value), summary) { DefaultValue = value };

    /// <summary>A path the op reads: relative to the pipeline file.</summary>
    public static OpParameter Input(string name, string summary) => Required(name, "path", summary);

    /// <summary>A path the op writes: relative to the project folder.</summary>
    public static OpParameter Output(string name, string summary) => Required(name, "path", summary) with { Writes = true };

    /// <summary>One of the names of <typeparamref name="T"/>, e.g. <c>onFailure: Emit</c>.</summary>
    public static OpParameter OneOf<T>(string name, T value, string summary)
        where T : struct, Enum =>
        new(name, "string", false, value.ToString(), summary) { DefaultValue = value.ToString(), Values = Enum.GetNames<T>() };

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        string[] list => "[" + string.Join(", ", list) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
