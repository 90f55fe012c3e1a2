using System.Collections.Immutable;

namespace BatchFactory;

/// <summary>
/// Prices of models in US dollars per million tokens, to report what a run cost. <see cref="Default"/> holds common
/// OpenAI and Anthropic models at their published list prices when this version was made; prices change, so override them with
/// <see cref="With"/> and pass the table as <see cref="RunOptions.Prices"/>. Immutable.
/// </summary>
/// <remarks>
/// A model's price is, first, one set with <see cref="With"/> (or configuration's <c>BatchFactory:Prices</c>); else its
/// provider's (<see cref="ProviderSettings.Prices"/>); else the built-in list price of <see cref="Default"/>. A model id
/// ending in a date, <c>-YYYYMMDD</c>, without a price of its own costs what its alias does: <c>claude-sonnet-4-5-20250929</c>
/// is priced as <c>claude-sonnet-4-5</c> (or <c>claude-sonnet-4-5-latest</c>), <c>claude-opus-4-20250514</c> as
/// <c>claude-opus-4-0</c>.
/// </remarks>
public sealed class ModelPrices
{
    private readonly ImmutableDictionary<string, ModelPrice> _prices;

    // Providers' own prices, by model@provider: below a price set with With, above a built-in one.
    private readonly ImmutableDictionary<string, ModelPrice> _providers;

    private ModelPrices(ImmutableDictionary<string, ModelPrice> prices, ImmutableDictionary<string, ModelPrice>? providers = null)
    {
        _prices = prices;
        _providers = providers ?? ImmutableDictionary<string, ModelPrice>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Common OpenAI chat and embedding models, and current Claude models by their aliases (e.g. <c>claude-sonnet-4-5</c>;
    /// a dated id such as <c>claude-sonnet-4-5-20250929</c> costs what its alias does, see <see cref="ModelPrices"/>).
    /// </summary>
    public static ModelPrices Default { get; } = new ModelPrices(ImmutableDictionary<string, ModelPrice>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase))
        .BuiltIn("gpt-4o-mini", 0.15m, 0.60m)
        .BuiltIn("gpt-4o", 2.50m, 10.00m)
        .BuiltIn("gpt-4.1", 2.00m, 8.00m)
        .BuiltIn("gpt-4.1-mini", 0.40m, 1.60m)
        .BuiltIn("gpt-4.1-nano", 0.10m, 0.40m)
        .BuiltIn("o3-mini", 1.10m, 4.40m)
        .BuiltIn("o4-mini", 1.10m, 4.40m)
        .BuiltIn("gpt-3.5-turbo", 0.50m, 1.50m)
        .BuiltIn("text-embedding-3-small", 0.02m, 0m)
        .BuiltIn("text-embedding-3-large", 0.13m, 0m)
        .BuiltIn("text-embedding-ada-002", 0.10m, 0m)
        .BuiltIn("claude-opus-4-5", 5.00m, 25.00m)
        .BuiltIn("claude-opus-4-1", 15.00m, 75.00m)
        .BuiltIn("claude-opus-4-0", 15.00m, 75.00m)
        .BuiltIn("claude-sonnet-4-5", 3.00m, 15.00m)
        .BuiltIn("claude-sonnet-4-0", 3.00m, 15.00m)
        .BuiltIn("claude-3-7-sonnet-latest", 3.00m, 15.00m)
        .BuiltIn("claude-haiku-4-5", 1.00m, 5.00m)
        .BuiltIn("claude-3-5-haiku-latest", 0.80m, 4.00m);

    /// <summary>The models with a price.</summary>
    public IEnumerable<string> Models => _prices.Keys.Order(StringComparer.Ordinal);

    /// <summary>Returns a table with the price of <paramref name="model"/> set (added or replaced).</summary>
    /// <param name="model">The model name, without <c>@provider</c>.</param>
    /// <param name="inputPerMillion">US dollars per million input (prompt) tokens; not negative.</param>
    /// <param name="outputPerMillion">US dollars per million output (completion) tokens; not negative.</param>
    /// <param name="batchInputPerMillion">
    /// US dollars per million input tokens of a request answered through the provider's batch API; not negative.
    /// Default: half of <paramref name="inputPerMillion"/>, as OpenAI, Azure OpenAI and Anthropic price batches.
    /// </param>
    /// <param name="batchOutputPerMillion">As <paramref name="batchInputPerMillion"/>, for output tokens. Default: half of <paramref name="outputPerMillion"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A price is negative.</exception>
    public ModelPrices With(string model, decimal inputPerMillion, decimal outputPerMillion, decimal? batchInputPerMillion = null, decimal? batchOutputPerMillion = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return new ModelPrices(_prices.SetItem(model, ModelPrice.Of(inputPerMillion, outputPerMillion, batchInputPerMillion, batchOutputPerMillion)), _providers);
    }

    /// <summary>A table with <paramref name="models"/>' provider prices (<see cref="ProviderSettings.Prices"/>) added.</summary>
    internal ModelPrices WithProviders(ModelProviders models)
    {
        var providers = _providers;
        foreach (var (model, price) in models.ProviderPrices)
        {
            providers = providers.SetItem(model.ToString(), ModelPrice.Of(price.Input, price.Output, price.BatchInput, price.BatchOutput));
        }

        return new ModelPrices(_prices, providers);
    }

    /// <summary>Whether the table has a price for <paramref name="model"/> (a dated id's own, or its alias's).</summary>
    public bool Knows(string model) => Find(_prices, model, model, provider: null, out _);

    /// <summary>What <paramref name="inputTokens"/> and <paramref name="outputTokens"/> of <paramref name="model"/> cost, in US dollars; <see langword="null"/> for a model without a price.</summary>
    public decimal? Cost(string model, long inputTokens, long outputTokens) =>
        Find(_prices, model, model, provider: null, out var price) ? price.Of(inputTokens, outputTokens, batch: false) : null;

    /// <summary>
    /// What <paramref name="inputTokens"/> and <paramref name="outputTokens"/> of <paramref name="model"/> cost when
    /// answered through a provider's batch API, in US dollars (its batch price, by default half the live price);
    /// <see langword="null"/> for a model without a price.
    /// </summary>
    public decimal? BatchCost(string model, long inputTokens, long outputTokens) =>
        Find(_prices, model, model, provider: null, out var price) ? price.Of(inputTokens, outputTokens, batch: true) : null;

    /// <summary>
    /// As <see cref="Cost(string, long, long)"/> (or <see cref="BatchCost"/> when <paramref name="batch"/>) for
    /// <paramref name="model"/> at its provider: a price set with <see cref="With"/>, else the provider's, else the built-in one.
    /// </summary>
    internal decimal? Cost(ModelSpec model, long inputTokens, long outputTokens, bool batch = false)
    {
        var set = Find(_prices, model.Model, model.Model, provider: null, out var price);
        if (set && !price.BuiltIn)
        {
            return price.Of(inputTokens, outputTokens, batch);
        }

        return Find(_providers, model.ToString(), model.Model, model.Provider, out var provider) ? provider.Of(inputTokens, outputTokens, batch)
            : set ? price.Of(inputTokens, outputTokens, batch)
            : null;
    }

    // The price under key (the model, or model@provider), else under an alias of a dated id (keyed alike).
    private static bool Find(ImmutableDictionary<string, ModelPrice> prices, string key, string model, string? provider, out ModelPrice price)
    {
        if (prices.TryGetValue(key, out price))
        {
            return true;
        }

        foreach (var alias in Brokers.DatedModelIds.AliasesOf(model))
        {
            if (prices.TryGetValue(provider is null ? alias : $"{alias}@{provider}", out price))
            {
                return true;
            }
        }

        return false;
    }

    private ModelPrices BuiltIn(string model, decimal inputPerMillion, decimal outputPerMillion) =>
        new(_prices.SetItem(model, ModelPrice.Of(inputPerMillion, outputPerMillion, null, null) with { BuiltIn = true }), _providers);

    // Per million tokens, live and through a batch API.
    private readonly record struct ModelPrice(decimal InputPerMillion, decimal OutputPerMillion, decimal BatchInputPerMillion, decimal BatchOutputPerMillion, bool BuiltIn)
    {
        public static ModelPrice Of(decimal inputPerMillion, decimal outputPerMillion, decimal? batchInputPerMillion, decimal? batchOutputPerMillion)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(inputPerMillion);
            ArgumentOutOfRangeException.ThrowIfNegative(outputPerMillion);
            ArgumentOutOfRangeException.ThrowIfNegative(batchInputPerMillion ?? 0, nameof(batchInputPerMillion));
            ArgumentOutOfRangeException.ThrowIfNegative(batchOutputPerMillion ?? 0, nameof(batchOutputPerMillion));
            return new(inputPerMillion, outputPerMillion, batchInputPerMillion ?? (inputPerMillion / 2), batchOutputPerMillion ?? (outputPerMillion / 2), BuiltIn: false);
        }

        public decimal Of(long inputTokens, long outputTokens, bool batch) => batch
            ? ((inputTokens * BatchInputPerMillion) + (outputTokens * BatchOutputPerMillion)) / 1_000_000m
            : ((inputTokens * InputPerMillion) + (outputTokens * OutputPerMillion)) / 1_000_000m;
    }
}
