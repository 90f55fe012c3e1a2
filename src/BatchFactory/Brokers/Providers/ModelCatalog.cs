using System.Collections.Concurrent;

namespace BatchFactory.Brokers;

/// <summary>
/// A run's check of model names against the providers' own model lists (<see cref="IListsModels"/>): each provider is
/// asked once per run, and a model its list lacks is refused before any entry moves, with the list's near matches.
/// A name without a tag also matches the listed <c>name:latest</c>, as Ollama reads it (<c>llama3.2</c> is
/// <c>llama3.2:latest</c>; only the tag <c>latest</c> is implied, nothing else).
/// </summary>
internal sealed class ModelCatalog
{
    private const string Latest = ":latest";

    private readonly ConcurrentDictionary<IListsModels, Lazy<Task<IReadOnlyCollection<string>?>>> _lists = new(ReferenceEqualityComparer.Instance);

    /// <summary>Resolves <paramref name="model"/> and, when its provider has a model list, checks the model is on it.</summary>
    /// <exception cref="ModelConfigurationException">The provider is unknown, refuses the model, or its list lacks the model.</exception>
    public async ValueTask CheckAsync(ModelProviders models, ModelSpec model, CancellationToken cancellationToken)
    {
        var provider = models.Resolve(model);
        if (models.ChainOf(model) is { } chain)
        {
            foreach (var member in chain.Members)
            {
                try
                {
                    await CheckAsync(models, member, cancellationToken).ConfigureAwait(false);
                }
                catch (ModelConfigurationException ex)
                {
                    throw new ModelConfigurationException($"The fallback chain '{model}' has the member '{member}', which cannot be used: {ex.Message}", ex);
                }
            }

            return;
        }

        if (provider is not IListsModels lister)
        {
            return;
        }

        var list = await _lists
            .GetOrAdd(lister, static l => new Lazy<Task<IReadOnlyCollection<string>?>>(() => l.ListModelsAsync(CancellationToken.None)))
            .Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (list is null || list.Contains(model.Model, StringComparer.Ordinal) || (!HasTag(model.Model) && list.Contains(model.Model + Latest, StringComparer.Ordinal)))
        {
            return;
        }

        // A name without a tag is compared with the names as it could be written: without ':latest'.
        var near = NearMatches.Of(model.Model, HasTag(model.Model) ? list : list.Select(Untagged).Distinct(StringComparer.Ordinal));
        var hint = near.Count > 0
            ? $"Did you mean {string.Join(" or ", near.Select(n => $"'{n}@{model.Provider}'"))}?"
            : $"It serves {list.Count} models, none close to this name{(list.Count is > 0 and <= 20 ? $": {string.Join(", ", list.Order(StringComparer.Ordinal))}" : string.Empty)}.";
        throw new ModelConfigurationException($"'{model}' is not among the models the provider '{model.Provider}' lists (GET /models). {hint}");
    }

    // Ollama's names are [host/][namespace/]model[:tag]: a tag is a ':' after the last '/'.
    private static bool HasTag(string model) => model.AsSpan(model.LastIndexOf('/') + 1).Contains(':');

    private static string Untagged(string listed) => listed.EndsWith(Latest, StringComparison.Ordinal) && !HasTag(listed[..^Latest.Length]) ? listed[..^Latest.Length] : listed;
}
