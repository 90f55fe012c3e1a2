namespace BatchFactory;

/// <summary>One parameter of an op as the catalogue describes it: its C# name (used as is in YAML), its YAML-level type, whether it is required, its default and what it does.</summary>
/// <param name="Name">The C# parameter name in camelCase, as written in YAML, e.g. <c>outputKey</c>.</param>
/// <param name="Type">
/// The YAML-level type: <c>string</c>, <c>int</c>, <c>number</c>, <c>bool</c>, <c>string[]</c>, <c>map</c>, <c>list</c>
/// (any values), <c>graph</c> (a nested list of ops), <c>condition</c> (a true/false expression, see the README's
/// "Pipelines as YAML"), <c>expression</c> (a value expression), <c>type</c> (a type declared under <c>types:</c>),
/// <c>model</c> (<c>model@provider</c>) or <c>path</c> (a file or folder).
/// </param>
/// <param name="Required">Whether the op needs it.</param>
/// <param name="Default">The default as text when it is not given, e.g. <c>response</c> or <c>64</c>; <see langword="null"/> when the default is none (or the parameter is required).</param>
/// <param name="Summary">What the parameter does, in one line.</param>
public sealed record OpParameter(string Name, string Type, bool Required, string? Default, string Summary)
{
    /// <summary>The values allowed, for a parameter that takes one of a few names (e.g. <c>onFailure</c>); <see langword="null"/> when any value of its type goes.</summary>
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>For a <c>path</c>: <see langword="true"/> when the op writes it (a relative path goes into the project folder), <see langword="false"/> when it reads it (relative to the pipeline file).</summary>
    public bool Writes { get; init; }

    /// <summary>The default as the builder uses it (a string, long, double, bool or string array; <see langword="null"/> for none).</summary>
    internal object? DefaultValue { get; init; }
}
