using System.Text;
using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>
/// What a typed op knows of its answer type without being generic: the JSON schema sent to the model, whether the type
/// is wrapped in an object for it (a list or a scalar is sent as <c>{"value": …}</c>), and how to check an answer.
/// </summary>
internal abstract class AnswerType
{
    /// <summary>The type as people write it, e.g. <c>List&lt;QA&gt;</c>.</summary>
    public abstract string TypeName { get; }

    /// <summary>The schema's name for the provider: letters, digits, <c>_</c>, at most 64 characters.</summary>
    public abstract string SchemaName { get; }

    /// <summary>The schema sent to the model: the type's, or for a type that is not an object, an object with the type's in <c>value</c>.</summary>
    public abstract JsonObject Schema { get; }

    /// <summary>Whether the type is not an object, so the model answers <c>{"value": …}</c>.</summary>
    public abstract bool Wrapped { get; }

    /// <summary>The schema name for a type name: its ASCII letters and digits, anything else as <c>_</c>, trimmed of <c>_</c>, at most 64 characters (<c>answer</c> if nothing is left).</summary>
    protected static string SchemaNameOf(string typeName)
    {
        var name = new StringBuilder();
        foreach (var c in typeName)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return name.ToString().Trim('_') is { Length: > 0 } clean ? clean[..Math.Min(clean.Length, 64)] : "answer";
    }

    /// <summary>Whether a schema describes an object (possibly nullable), which the model can answer as it is.</summary>
    protected static bool IsObject(JsonObject schema) => schema["type"] switch
    {
        JsonValue one => one.ToString() == "object",
        JsonArray many => many.Any(t => t?.ToString() == "object") && many.All(t => t?.ToString() is "object" or "null"),
        _ => false,
    };

    /// <summary>Reads <paramref name="text"/> strictly (as <c>{"value": …}</c> when <paramref name="wrapped"/>) and validates it.</summary>
    public abstract AnswerCheck Check(string text, bool wrapped);
}
