using System.Globalization;
using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>
/// The arguments of one op as a builder of the catalogue reads them: values already converted to their parameter's type
/// by whoever read them (the YAML loader), else the parameter's default. Conditions and expressions arrive compiled
/// (<see cref="Func{T, TResult}"/> over an entry), nested bodies as graphs, declared types as <see cref="AnswerType"/>.
/// </summary>
internal sealed class OpArgs(OpDescription op, IReadOnlyDictionary<string, object?> values)
{
    /// <summary>The op the arguments are for.</summary>
    public OpDescription Op => op;

    /// <summary>Whether the argument was given (rather than left at its default).</summary>
    public bool Has(string name) => values.ContainsKey(name);

    public string? String(string name) => Value(name) switch
    {
        null => null,
        string s => s,
        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    /// <summary>A required string: the builder's parameter is required, so the loader has checked it is there.</summary>
    public string Text(string name) => String(name) ?? throw new ArgumentException($"{op.Name}: '{name}' is required.", name);

    public long Long(string name) => Convert.ToInt64(Value(name) ?? throw new ArgumentException($"{op.Name}: '{name}' is required.", name), CultureInfo.InvariantCulture);

    public int Int(string name)
    {
        var value = Long(name);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new ArgumentException($"{op.Name}: '{name}' is {value}, which is too large.", name);
    }

    public int? IntOrNull(string name) => Value(name) is null ? null : Int(name);

    public double Number(string name) => Convert.ToDouble(Value(name) ?? throw new ArgumentException($"{op.Name}: '{name}' is required.", name), CultureInfo.InvariantCulture);

    public bool Bool(string name) => Value(name) is true;

    public string[]? Strings(string name) => Value(name) as string[];

    public JsonObject? Map(string name) => Value(name) as JsonObject;

    public JsonArray? List(string name) => Value(name) as JsonArray;

    /// <summary>A value of any JSON type (<c>any</c>), as a node.</summary>
    public JsonNode? Json(string name) => Value(name) as JsonNode;

    public Graph? Body(string name) => Value(name) as Graph;

    public Func<Entry, bool>? Condition(string name) => (Value(name) as CompiledCondition)?.Test;

    /// <summary>The condition as written, for messages.</summary>
    public string ConditionText(string name) => (Value(name) as CompiledCondition)?.Text ?? string.Empty;

    public Func<Entry, JsonNode?>? Expression(string name) => (Value(name) as CompiledExpression)?.Evaluate;

    public SchemaAnswerType? Type(string name) => Value(name) as SchemaAnswerType;

    /// <summary>An argument that names one of a few values (<see cref="OpParameter.Values"/>), as the enum member of the same name.</summary>
    public T Enum<T>(string name)
        where T : struct, System.Enum =>
        System.Enum.Parse<T>(Text(name), ignoreCase: false);

    private object? Value(string name) =>
        values.TryGetValue(name, out var value) ? value : (op.Parameter(name) ?? throw new InvalidOperationException($"{op.Name} has no parameter '{name}'.")).DefaultValue;
}
