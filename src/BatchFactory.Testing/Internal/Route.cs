namespace BatchFactory.Testing.Internal;

/// <summary>The endpoint a URL path addresses: OpenAI's <c>/v1/…</c> paths or Azure OpenAI's deployment paths.</summary>
/// <param name="Kind">Chat completions or embeddings.</param>
/// <param name="Deployment">The Azure deployment named in the path, or <see langword="null"/> on the <c>/v1</c> paths.</param>
internal readonly record struct Route(RequestKind Kind, string? Deployment)
{
    private const string AzurePrefix = "/openai/deployments/";

    public static bool TryMatch(string path, out Route route)
    {
        if (path.Equals("/v1/chat/completions", StringComparison.OrdinalIgnoreCase))
        {
            route = new Route(RequestKind.Chat, null);
            return true;
        }

        if (path.Equals("/v1/embeddings", StringComparison.OrdinalIgnoreCase))
        {
            route = new Route(RequestKind.Embeddings, null);
            return true;
        }

        route = default;
        if (!path.StartsWith(AzurePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        ReadOnlySpan<char> rest = path.AsSpan(AzurePrefix.Length);
        int slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        ReadOnlySpan<char> endpoint = rest[slash..];
        if (endpoint.Equals("/chat/completions", StringComparison.OrdinalIgnoreCase))
        {
            route = new Route(RequestKind.Chat, rest[..slash].ToString());
            return true;
        }

        if (endpoint.Equals("/embeddings", StringComparison.OrdinalIgnoreCase))
        {
            route = new Route(RequestKind.Embeddings, rest[..slash].ToString());
            return true;
        }

        return false;
    }
}
