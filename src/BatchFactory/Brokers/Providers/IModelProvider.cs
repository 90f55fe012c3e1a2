using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// Makes the clients for one provider's models. Register your own with <see cref="ModelProviders.With(IModelProvider)"/>
/// or, for a ready <see cref="IChatClient"/>, <see cref="ModelProviders.WithChatClient"/>.
/// </summary>
public interface IModelProvider
{
    /// <summary>The name models are given under, the part after <c>@</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Checks that <paramref name="model"/> can be called (the model is known, the API key is set) without calling it.
    /// Called when a run is built, before any request.
    /// </summary>
    /// <exception cref="ModelConfigurationException">The model is unknown or a setting is missing; the message says which (e.g. the environment variable).</exception>
    void Validate(string model);

    /// <summary>
    /// Whether the provider answers on this machine, with no network and no charge: its calls are neither rate-limited,
    /// retried nor priced. Default <see langword="false"/>.
    /// </summary>
    bool IsLocal => false;

    /// <summary>The chat client for <paramref name="model"/>. Called once per run and model; the run disposes it when it ends.</summary>
    IChatClient CreateChatClient(string model);

    /// <summary>The embedding generator for <paramref name="model"/>. Called once per run and model; the run disposes it when it ends.</summary>
    IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model);
}
