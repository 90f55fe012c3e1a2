namespace BatchFactory;

/// <summary>
/// A provider that can say which models its server serves (OpenAI's <c>GET /v1/models</c>), so that a run checks its
/// model names before any entry moves and suggests near matches for a misspelt one. A run asks each provider once and
/// keeps the list for the rest of the run; a model name without a tag is also found as a listed <c>name:latest</c>
/// (Ollama's rule). Implement it on your own <see cref="IModelProvider"/> when its server has a list.
/// </summary>
public interface IListsModels
{
    /// <summary>
    /// The names of the models the provider's server serves now, or <see langword="null"/> when it has no list (the
    /// server has no such endpoint, or cannot be reached: the first call then says what is wrong). Must not throw for
    /// an unreachable server.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<IReadOnlyCollection<string>?> ListModelsAsync(CancellationToken cancellationToken = default);
}
