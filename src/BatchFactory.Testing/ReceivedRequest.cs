namespace BatchFactory.Testing;

/// <summary>
/// A chat or embeddings request that <see cref="OpenAICompatibleServer"/> received and could read, as kept in
/// <see cref="OpenAICompatibleServer.Requests"/> and passed to <see cref="TestServerOptions.FailureSelector"/>.
/// </summary>
/// <param name="Number">
/// The request's 1-based position among all chat and embeddings requests since the server started or was last
/// <see cref="OpenAICompatibleServer.Reset">reset</see>.
/// </param>
/// <param name="Kind">Which endpoint it was sent to.</param>
/// <param name="Path">The URL path, e.g. <c>/v1/chat/completions</c>, without the query string.</param>
/// <param name="Model">The <c>model</c> field, or on the Azure path without one, the deployment name.</param>
/// <param name="Texts">The messages' texts in order (chat), or the inputs in order (embeddings).</param>
/// <param name="ReceivedAt">When the body had been read, from <see cref="TestServerOptions.TimeProvider"/>.</param>
public sealed record ReceivedRequest(
    long Number,
    RequestKind Kind,
    string Path,
    string Model,
    IReadOnlyList<string> Texts,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The JSON schema the chat request asked its answer to match (<c>response_format</c> of type <c>json_schema</c>), as JSON text; <see langword="null"/> for none.</summary>
    public string? JsonSchema { get; init; }

    /// <summary>The request body as the client sent it (JSON text) when <see cref="TestServerOptions.RecordBodies"/> is set; otherwise <see langword="null"/>.</summary>
    public string? Body { get; init; }
}
