namespace BatchFactory.Brokers;

/// <summary>What a run's broker is built from: the run's options, taken when the run is built (the dictionaries are the options' own, which are not to change during a run).</summary>
/// <param name="Models">Resolves <c>model@provider</c> to a provider.</param>
/// <param name="Broker">Retries and rate limits for every model without an entry in <paramref name="BrokerFor"/> or <paramref name="BrokerForProvider"/>.</param>
/// <param name="BrokerFor">Retries and rate limits per model (<c>model@provider</c>).</param>
/// <param name="Prices">Prices for costs, the providers' own included.</param>
/// <param name="Time">The clock for call durations.</param>
/// <param name="TraceContent">Whether request spans record prompts and answers (<see cref="RunOptions.TraceContent"/>).</param>
/// <param name="BrokerForProvider">Retries and rate limits per provider name (case-insensitive), from its <see cref="ProviderSettings.Limits"/>, for models without an entry in <paramref name="BrokerFor"/>.</param>
internal sealed record BrokerSetup(
    ModelProviders Models,
    BrokerOptions Broker,
    IReadOnlyDictionary<string, BrokerOptions>? BrokerFor,
    ModelPrices Prices,
    TimeProvider Time,
    IReadOnlyDictionary<string, BrokerOptions>? BrokerForProvider = null,
    bool TraceContent = false)
{
    /// <summary>
    /// The broker setup of a run's <paramref name="models"/>: each provider's limits (<see cref="ProviderSettings.Limits"/>)
    /// and prices (<see cref="ProviderSettings.Prices"/>) added below the run's own.
    /// </summary>
    public static BrokerSetup Of(ModelProviders models, BrokerOptions broker, IReadOnlyDictionary<string, BrokerOptions>? brokerFor, ModelPrices prices, TimeProvider time)
    {
        var byProvider = models.ProviderLimits.ToDictionary(
            p => p.Provider,
            p => new BrokerOptions { Retry = broker.Retry, CircuitBreaker = broker.CircuitBreaker, RateLimit = p.Limits },
            StringComparer.OrdinalIgnoreCase);
        return new(models, broker, brokerFor, prices.WithProviders(models), time, byProvider.Count == 0 ? null : byProvider);
    }

    /// <summary>The retries and rate limits of <paramref name="model"/>: its own (<c>BrokerFor</c>), else its provider's, else the run's.</summary>
    public BrokerOptions For(ModelSpec model) =>
        BrokerFor?.GetValueOrDefault(model.ToString()) ?? BrokerForProvider?.GetValueOrDefault(model.Provider) ?? Broker;
}
