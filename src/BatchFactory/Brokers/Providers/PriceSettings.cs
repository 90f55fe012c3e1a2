namespace BatchFactory;

/// <summary>
/// A model's price as a provider's settings give it (<see cref="ProviderSettings.Prices"/>, in configuration
/// <c>BatchFactory:Providers:&lt;name&gt;:Prices:&lt;model&gt;</c>), in US dollars per million tokens.
/// </summary>
public sealed class PriceSettings
{
    /// <summary>US dollars per million input (prompt) tokens. Required; not negative.</summary>
    public decimal? Input { get; set; }

    /// <summary>US dollars per million output (completion) tokens. Required; not negative (0 for an embedding model).</summary>
    public decimal? Output { get; set; }

    /// <summary>US dollars per million input tokens of a request answered through the provider's batch API. Optional (default: half of <see cref="Input"/>); not negative.</summary>
    public decimal? BatchInput { get; set; }

    /// <summary>US dollars per million output tokens of a request answered through the provider's batch API. Optional (default: half of <see cref="Output"/>); not negative.</summary>
    public decimal? BatchOutput { get; set; }
}
