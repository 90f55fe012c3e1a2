using System.Text.Json.Serialization;

namespace BatchFactory;

/// <summary>
/// One message of a chat history field, stored as <c>{"role":…,"content":…}</c>: who spoke (<c>system</c>,
/// <c>user</c>, <c>assistant</c>) and what they said.
/// </summary>
/// <param name="Role">The speaker's role.</param>
/// <param name="Content">The message text.</param>
public sealed record ChatTurn(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content);
