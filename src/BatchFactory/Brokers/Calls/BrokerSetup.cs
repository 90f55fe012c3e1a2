namespace BatchFactory.Brokers;

/// <summary>What a run's broker is built from: the run's options, taken when the run is built (the dictionaries are the options' own, which are not to change during a run).</summary>
/// <param name="Models">Resolves <c>model@provider</c> to a provider.</param>
/// <param name="Broker">Retries and rate limits for every model without an entry in <paramref name="BrokerFor"/>.</param>
/// <param name="BrokerFor">Retries and rate limits per model (<c>model@provider</c>).</param>
/// <param name="Prices">Prices for costs.</param>
/// <param name="Time">The clock for call durations.</param>
internal sealed record BrokerSetup(
    ModelProviders Models,
    BrokerOptions Broker,
    IReadOnlyDictionary<string, BrokerOptions>? BrokerFor,
    ModelPrices Prices,
    TimeProvider Time)
{
    /// <summary>The retries and rate limits of <paramref name="model"/>.</summary>
    public BrokerOptions For(ModelSpec model) => BrokerFor?.GetValueOrDefault(model.ToString()) ?? Broker;
}
