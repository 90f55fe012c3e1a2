using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>An expression argument: its text as written and the function made from it (an entry's value, as JSON).</summary>
internal sealed record CompiledExpression(string Text, Func<Entry, JsonNode?> Evaluate);
