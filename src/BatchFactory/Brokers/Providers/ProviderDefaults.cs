using System.Collections.Immutable;

namespace BatchFactory.Brokers;

/// <summary>A named provider's defaults for its models: rate limits and prices, from its <see cref="ProviderSettings"/>.</summary>
/// <param name="Limits">The rate limits each model of the provider gets unless the run's <see cref="RunOptions.BrokerFor"/> names it; <see langword="null"/>: the run's.</param>
/// <param name="Prices">US dollars per million input and output tokens, live and (if given) in batches, by model name (case-insensitive).</param>
internal sealed record ProviderDefaults(RateLimitOptions? Limits, ImmutableDictionary<string, ProviderPrice> Prices)
{
    /// <summary>The defaults <paramref name="settings"/> give, checked; <see langword="null"/> when they give none.</summary>
    /// <param name="settings">The provider's settings.</param>
    /// <param name="path">Where the settings are, e.g. <c>BatchFactory:Providers:gpu-farm</c>.</param>
    /// <exception cref="ModelConfigurationException">A limit or a price is wrong; the message names its path.</exception>
    public static ProviderDefaults? Read(ProviderSettings settings, string path)
    {
        if (settings.Limits is { } limits)
        {
            try
            {
                limits.Validate();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw SettingErrors.OutOfRange($"{path}:Limits", ex);
            }
        }

        var prices = ImmutableDictionary<string, ProviderPrice>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in settings.Prices ?? new Dictionary<string, PriceSettings>())
        {
            var at = $"{path}:Prices:{model}";
            prices = prices.SetItem(model, new ProviderPrice(
                Price(price?.Input, $"{at}:Input"),
                Price(price?.Output, $"{at}:Output"),
                price?.BatchInput is { } batchInput ? Price(batchInput, $"{at}:BatchInput") : null,
                price?.BatchOutput is { } batchOutput ? Price(batchOutput, $"{at}:BatchOutput") : null));
        }

        return settings.Limits is null && prices.IsEmpty ? null : new ProviderDefaults(settings.Limits, prices);
    }

    private static decimal Price(decimal? price, string path) => price switch
    {
        null => throw new ModelConfigurationException($"{path} is not set; give US dollars per million tokens, a number not below 0."),
        < 0 => throw new ModelConfigurationException($"{path} is {price}; a price is US dollars per million tokens, not below 0."),
        _ => price.Value,
    };
}

/// <summary>A provider's price for one model, US dollars per million tokens; the batch prices <see langword="null"/> for half the live ones.</summary>
internal readonly record struct ProviderPrice(decimal Input, decimal Output, decimal? BatchInput, decimal? BatchOutput);
