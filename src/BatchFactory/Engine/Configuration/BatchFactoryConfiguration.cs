using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BatchFactory.Engine.Configuration;
using Microsoft.Extensions.Configuration;

namespace BatchFactory;

/// <summary>
/// Reads a run's providers, strategies, retries, rate limits, circuit breakers, batching and prices from configuration
/// (<c>appsettings.json</c>, environment variables, the command line, or any other <see cref="IConfiguration"/> source,
/// e.g. a YAML file through a YAML configuration provider), from the section <c>BatchFactory</c>. Everything is checked
/// while it is read, before any run: an error names the setting by its configuration path.
/// </summary>
/// <remarks>
/// <code>
/// "BatchFactory": {
///   "Providers":  { "gpu-farm": { "Kind": "openai-compatible", "BaseUrls": [ "http://gpu1:8000/v1", "http://gpu2:8000/v1" ],
///                                 "Limits": { "MaxConcurrency": 8 }, "Prices": { "qwen3-32b": { "Input": 0.10, "Output": 0.30 } } } },
///   "Strategies": { "writer": { "Fallback": [ "qwen3-32b@gpu-farm", "gpt-4o-mini@openai" ], "MaxWait": "00:00:10" } },
///   "Broker":     { "Retry": { "MaxRetries": 3 }, "RateLimit": { "RequestsPerMinute": 500 } },
///   "BrokerFor":  { "gpt-4o-mini@openai": { "RateLimit": { "TokensPerMinute": 200000 } } },
///   "Batch":      { "FlushAfter": "00:05:00", "MaxEnqueuedTokens": 2000000 },
///   "BatchFor":   { "gpt-4o-mini@openai": { "MaxRequestsPerBatch": 10000 } },
///   "Prices":     { "gpt-4o-mini": { "Input": 0.15, "Output": 0.60, "BatchInput": 0.075, "BatchOutput": 0.30 } },
///   "TraceContent": false
/// }
/// </code>
/// Providers take the settings of <see cref="ProviderSettings"/>; <c>Broker</c> and each <c>BrokerFor</c> entry those of
/// <see cref="BrokerOptions"/>; <c>Batch</c> and each <c>BatchFor</c> entry those of <see cref="BatchOptions"/>; prices are US dollars per million tokens, added to <see cref="ModelPrices.Default"/>;
/// <c>TraceContent</c> is <see cref="RunOptions.TraceContent"/> (<c>true</c> or <c>false</c>).
/// </remarks>
public static class BatchFactoryConfiguration
{
    /// <summary>The section read: <c>BatchFactory</c>.</summary>
    public const string SectionName = "BatchFactory";

    // Why reading configuration is not trim- or AOT-safe: the binder is reflection-based (RateLimitOptions.TimeProvider
    // keeps the configuration binding source generator from binding BrokerOptions).
    internal const string BinderReflection =
        "Binds ProviderSettings, BrokerOptions and BatchOptions with ConfigurationBinder, which uses reflection: in a trimmed or native AOT app their members may be removed. Build RunOptions in code there.";

    /// <summary>The sections of <c>BatchFactory</c>, as the pipeline schema lists them too.</summary>
    internal static readonly ImmutableArray<string> Sections = ["Providers", "Strategies", "Broker", "BrokerFor", "Batch", "BatchFor", "Prices", "Project", "TraceContent"];

    /// <summary>The settings of a strategy.</summary>
    internal static readonly ImmutableArray<string> StrategyKeys = ["Fallback", "MaxWait"];

    /// <summary>The settings of <c>Project</c>.</summary>
    internal static readonly ImmutableArray<string> ProjectKeys = ["Name", "Version", "DataDirectory"];

    /// <summary>
    /// Run options with <see cref="RunOptions.Models"/>, <see cref="RunOptions.Broker"/>, <see cref="RunOptions.BrokerFor"/>,
    /// <see cref="RunOptions.Batch"/>, <see cref="RunOptions.BatchFor"/>, <see cref="RunOptions.Prices"/> and <see cref="RunOptions.TraceContent"/> from the <c>BatchFactory</c> section of <paramref name="configuration"/> (its
    /// other options at their defaults); a missing section gives the defaults.
    /// </summary>
    /// <param name="configuration">The application's configuration (its root, or any section holding <c>BatchFactory</c>).</param>
    /// <param name="models">The providers to add the configured ones to. Default <see cref="ModelProviders.Default"/>; pass one with your own kinds (<see cref="ModelProviders.WithKind"/>) to use them in configuration.</param>
    /// <param name="environment">Reads the providers' key variables. Default: the process's environment.</param>
    /// <exception cref="ModelConfigurationException">A setting is unknown, missing or wrong; the message names its path, e.g. <c>BatchFactory:Providers:gpu-farm:BaseUrl</c>.</exception>
    [RequiresUnreferencedCode(BinderReflection)]
    [RequiresDynamicCode(BinderReflection)]
    public static RunOptions ReadRunOptions(IConfiguration configuration, ModelProviders? models = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        foreach (var child in section.GetChildren().Where(c => !Sections.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
        {
            throw new ModelConfigurationException($"{child.Path} is not a BatchFactory setting. Known: {string.Join(", ", Sections)}.");
        }

        return new RunOptions
        {
            Models = ReadModels(section, models ?? ModelProviders.Default, environment),
            Broker = CallSettings.Broker(section.GetSection("Broker")) ?? new BrokerOptions(),
            BrokerFor = CallSettings.PerModel(section.GetSection("BrokerFor"), CallSettings.Broker),
            Batch = CallSettings.Batch(section.GetSection("Batch")) ?? new BatchOptions(),
            BatchFor = CallSettings.PerModel(section.GetSection("BatchFor"), CallSettings.Batch),
            Prices = Prices(section.GetSection("Prices")),
            TraceContent = TraceContent(section),
        };
    }

    /// <summary>The project folder <c>BatchFactory:Project</c> names (<c>Name</c>, <c>Version</c>, <c>DataDirectory</c>), or <see langword="null"/> without that section.</summary>
    /// <exception cref="ModelConfigurationException">The section has an unknown key or no name.</exception>
    internal static (string Name, string Version, string DataDirectory)? ReadProject(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName).GetSection("Project");
        if (!section.Exists())
        {
            return null;
        }

        foreach (var key in section.GetChildren().Where(c => !ProjectKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
        {
            throw new ModelConfigurationException($"{key.Path} is not a project setting. A project has Name, Version and DataDirectory.");
        }

        return string.IsNullOrWhiteSpace(section["Name"])
            ? throw new ModelConfigurationException($"{section.Path}:Name is not set; name the project folder.")
            : (section["Name"]!, section["Version"] ?? "1", section["DataDirectory"] ?? new ProjectFolderOptions().DataDirectory);
    }

    [RequiresUnreferencedCode(BinderReflection)]
    [RequiresDynamicCode(BinderReflection)]
    private static ModelProviders ReadModels(IConfigurationSection section, ModelProviders models, Func<string, string?>? environment)
    {
        foreach (var provider in section.GetSection("Providers").GetChildren())
        {
            var settings = SettingsBinder.Bind<ProviderSettings>(provider);
            models = models.With(provider.Key, settings, provider.Path, environment);
        }

        foreach (var strategy in section.GetSection("Strategies").GetChildren())
        {
            foreach (var key in strategy.GetChildren().Where(c => !StrategyKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
            {
                throw new ModelConfigurationException($"{key.Path} is not a strategy setting. A strategy has Fallback (a list of model@provider) and MaxWait.");
            }

            var members = strategy.GetSection("Fallback").GetChildren().Select(m => m.Value ?? string.Empty).ToList();
            var maxWait = strategy["MaxWait"] is { } wait
                ? TimeSpan.TryParse(wait, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new ModelConfigurationException($"{strategy.Path}:MaxWait is '{wait}', which is not a time span (e.g. 00:00:10).")
                : (TimeSpan?)null;
            models = models.WithFallback(strategy.Key, members, maxWait, strategy.Path);
        }

        return models;
    }

    private static readonly ImmutableArray<string> PriceKeys = ["Input", "Output", "BatchInput", "BatchOutput"];

    private static ModelPrices Prices(IConfigurationSection section)
    {
        var prices = ModelPrices.Default;
        foreach (var model in section.GetChildren())
        {
            if (model.GetChildren().FirstOrDefault(k => !PriceKeys.Contains(k.Key, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            {
                throw new ModelConfigurationException($"{unknown.Path} is not a price setting; give {string.Join(", ", PriceKeys)} (US dollars per million tokens; the batch prices are optional, half the live ones by default).");
            }

            prices = prices.With(model.Key, Price(model, "Input"), Price(model, "Output"), OptionalPrice(model, "BatchInput"), OptionalPrice(model, "BatchOutput"));
        }

        return prices;
    }

    private static decimal Price(IConfigurationSection model, string key) =>
        model[key] is { } text && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var price) && price >= 0
            ? price
            : throw new ModelConfigurationException($"{model.Path}:{key} is {(model[key] is { } bad ? $"'{bad}'" : "not set")}; give US dollars per million {(key.StartsWith("Batch", StringComparison.Ordinal) ? key[5..].ToLowerInvariant() + " tokens in a batch" : key.ToLowerInvariant() + " tokens")}, a number not below 0.");

    private static decimal? OptionalPrice(IConfigurationSection model, string key) => model[key] is null ? null : Price(model, key);

    private static bool TraceContent(IConfigurationSection section) => section["TraceContent"] switch
    {
        null when section.GetSection("TraceContent").GetChildren().Any() => throw new ModelConfigurationException($"{section.Path}:TraceContent has settings under it; give true or false."),
        null => false,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new ModelConfigurationException($"{section.Path}:TraceContent is '{text}'; give true or false."),
    };
}
