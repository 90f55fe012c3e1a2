namespace BatchFactory.Testing;

/// <summary>Which endpoint a <see cref="ReceivedRequest"/> was sent to.</summary>
public enum RequestKind
{
    /// <summary><c>/v1/chat/completions</c> or <c>/openai/deployments/{deployment}/chat/completions</c>.</summary>
    Chat,

    /// <summary><c>/v1/embeddings</c> or <c>/openai/deployments/{deployment}/embeddings</c>.</summary>
    Embeddings,
}
