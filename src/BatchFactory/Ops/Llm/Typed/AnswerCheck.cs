using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>What checking an answer found: the value to store (as an entry stores it) when it is valid, else the errors, each naming its JSON path.</summary>
internal readonly record struct AnswerCheck(JsonNode? Value, IReadOnlyList<string> Errors)
{
    public bool Valid => Errors.Count == 0;

    public static AnswerCheck Invalid(string error) => new(null, [error]);
}
