namespace BatchFactory.Testing;

/// <summary>What <see cref="TestServerOptions.ChatResponder"/> gets to compute a reply: the model and the messages.</summary>
/// <param name="Model">
/// The <c>model</c> field of the request; on the Azure path without such a field, the deployment name from the URL.
/// </param>
/// <param name="Messages">The request's messages in order.</param>
public sealed record ChatRequestInfo(string Model, IReadOnlyList<ChatMessageInfo> Messages)
{
    /// <summary>
    /// The JSON schema of <c>response_format: {"type": "json_schema", "json_schema": {"schema": …}}</c> as JSON text, or
    /// <see langword="null"/> when the request asks for no schema.
    /// </summary>
    public string? JsonSchema { get; init; }

    /// <summary>
    /// Which attempt at an answer this request is: the number of <c>assistant</c> messages in it. 0 for a first request;
    /// a repair (the model's answer and a user message saying what is wrong) is 1 more than the request it repairs.
    /// </summary>
    public int Attempt => Messages.Count(m => string.Equals(m.Role, "assistant", StringComparison.Ordinal));

    /// <summary>The text of the last message whose role is <c>user</c>, or an empty string if there is none.</summary>
    public string LastUserMessage
    {
        get
        {
            for (int i = Messages.Count - 1; i >= 0; i--)
            {
                if (string.Equals(Messages[i].Role, "user", StringComparison.Ordinal))
                {
                    return Messages[i].Text;
                }
            }

            return string.Empty;
        }
    }
}
