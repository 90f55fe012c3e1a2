namespace BatchFactory.Brokers;

/// <summary>A provider that knows the API keys it uses, so that they can be kept out of logs, events, ledgers and outputs.</summary>
internal interface IHoldsSecrets
{
    /// <summary>The keys the provider would send now (none when unset).</summary>
    IEnumerable<string> Secrets { get; }
}
