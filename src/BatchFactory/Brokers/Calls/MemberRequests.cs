using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>A fallback chain's request as one of its members would be asked it directly, so its key is the key of that direct call.</summary>
internal static class MemberRequests
{
    /// <summary>The requests of <paramref name="request"/> to try, in order: its chain's members when it names a chain, else itself.</summary>
    public static IReadOnlyList<ModelRequest> Of(ModelRequest request, FallbackChain? chain) =>
        chain is null ? [request] : [.. chain.Members.Select(member => For(request, member))];

    /// <summary><paramref name="request"/> addressed to <paramref name="member"/>.</summary>
    public static ModelRequest For(ModelRequest request, ModelSpec member) => request switch
    {
        ChatCall chat => new ChatCall(WithModel(chat.Request, member), member),
        EmbeddingCall embedding => new EmbeddingCall(embedding.Text, member),
        _ => throw new ArgumentException($"A {request.GetType().Name} cannot go to a fallback chain's members.", nameof(request)),
    };

    private static JsonObject WithModel(JsonObject request, ModelSpec member)
    {
        var copy = (JsonObject)request.DeepClone();
        copy["model"] = member.ToString();
        return copy;
    }
}
