using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// The <c>offline</c> provider: answers every model name with no network and no key, deterministically, so demos and
/// tests run anywhere and a rerun gives the same output. Chat answers quote the request (see
/// <see cref="OfflineChatClient"/>); embeddings are unit vectors derived from the text (see <see cref="OfflineEmbeddingGenerator"/>).
/// </summary>
public sealed class OfflineProvider : IModelProvider
{
    /// <summary>Creates the provider.</summary>
    /// <param name="name">Its name, as in <c>model@name</c>. Default <c>offline</c>.</param>
    public OfflineProvider(string name = "offline")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Always <see langword="true"/>: offline answers cost nothing and need no pacing.</summary>
    public bool IsLocal => true;

    /// <summary>Accepts every model name.</summary>
    public void Validate(string model)
    {
    }

    /// <inheritdoc/>
    public IChatClient CreateChatClient(string model) => new OfflineChatClient(model);

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) => new OfflineEmbeddingGenerator(model);
}
