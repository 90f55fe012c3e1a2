namespace BatchFactory.Brokers;

/// <summary>
/// Streams a message batch's requests from its file. The Anthropic SDK (13.15) sends a create's body only from the
/// parameters it holds in memory (its request bodies and sending are internal to it), so
/// <see cref="AnthropicBatchApi.SubmitAsync"/> asks the SDK to create a batch with no requests while
/// <see cref="File"/> names the batch file, and this handler, under the SDK's client, replaces that body with the
/// file's requests (<see cref="BatchRequestsContent"/>); the SDK still sets the URL, the key and the headers.
/// </summary>
internal sealed class AnthropicBatchBody : DelegatingHandler
{
    private const string BatchesPath = "/v1/messages/batches";
    private static readonly AsyncLocal<string?> s_file = new();

    private AnthropicBatchBody(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>The batch file whose requests the create being sent in this async flow carries; <see langword="null"/> outside a create.</summary>
    public static string? File
    {
        get => s_file.Value;
        set => s_file.Value = value;
    }

    /// <summary>An HTTP client (no timeout of its own: the SDK's applies) whose batch creates carry <see cref="File"/>'s requests.</summary>
    public static HttpClient Client() => new(new AnthropicBatchBody(new SocketsHttpHandler())) { Timeout = Timeout.InfiniteTimeSpan };

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (File is { } path && request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith(BatchesPath, StringComparison.Ordinal) == true)
        {
            request.Content?.Dispose();
            request.Content = await BatchRequestsContent.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
