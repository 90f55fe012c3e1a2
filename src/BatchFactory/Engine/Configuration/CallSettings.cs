using System.Diagnostics.CodeAnalysis;
using BatchFactory.Brokers;
using Microsoft.Extensions.Configuration;

namespace BatchFactory.Engine.Configuration;

/// <summary>
/// The <c>Broker</c>/<c>BrokerFor</c> and <c>Batch</c>/<c>BatchFor</c> sections of <c>BatchFactory</c>: options for every
/// model, and per <c>model@provider</c>, checked as they are read; an error names the setting's full path.
/// </summary>
internal static class CallSettings
{
    /// <summary>The broker options of <paramref name="section"/>, checked; <see langword="null"/> when it is absent.</summary>
    /// <exception cref="ModelConfigurationException">A setting is unknown or out of range, e.g. <c>BatchFactory:Broker:Retry:MaxRetries is -1; it must be 0 (no retries) or more.</c></exception>
    [RequiresUnreferencedCode(BatchFactoryConfiguration.BinderReflection)]
    [RequiresDynamicCode(BatchFactoryConfiguration.BinderReflection)]
    public static BrokerOptions? Broker(IConfigurationSection section) => Read<BrokerOptions>(section, options =>
    {
        Check(section, nameof(BrokerOptions.Retry), () => options.Retry?.Validate());
        Check(section, nameof(BrokerOptions.RateLimit), () => options.RateLimit?.Validate());
        Check(section, nameof(BrokerOptions.CircuitBreaker), () => options.CircuitBreaker?.Validate());
    });

    /// <summary>The batch options of <paramref name="section"/>, checked; <see langword="null"/> when it is absent.</summary>
    /// <exception cref="ModelConfigurationException">A setting is unknown or out of range, e.g. <c>BatchFactory:Batch:MaxRequestsPerBatch is 0; it must be 1 to 100000.</c></exception>
    [RequiresUnreferencedCode(BatchFactoryConfiguration.BinderReflection)]
    [RequiresDynamicCode(BatchFactoryConfiguration.BinderReflection)]
    public static BatchOptions? Batch(IConfigurationSection section) => Read<BatchOptions>(section, options =>
        options.Validate((field, value, allowed) => SettingErrors.Invalid($"{section.Path}:{field}", SettingErrors.Shown(value), $"it must be {allowed}.")));

    /// <summary>
    /// The entries of a per-model section (<c>BrokerFor</c>, <c>BatchFor</c>) keyed by <c>model@provider</c>, each read by
    /// <paramref name="read"/>; <see langword="null"/> when it has none.
    /// </summary>
    /// <exception cref="ModelConfigurationException">A key is not <c>model@provider</c>, or <paramref name="read"/> refused an entry.</exception>
    public static Dictionary<string, T>? PerModel<T>(IConfigurationSection section, Func<IConfigurationSection, T?> read)
        where T : class
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return null;
        }

        // Configuration keys match in any case (JSON's "gpt-4o-mini@openai" and an environment variable's "GPT-4O-MINI@OPENAI" are one key).
        var result = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in children)
        {
            var at = child.Key.LastIndexOf('@');
            if (at <= 0 || at == child.Key.Length - 1)
            {
                throw new ModelConfigurationException($"{child.Path}: '{child.Key}' is not model@provider; {section.Key} is keyed by the models it applies to.");
            }

            result[child.Key] = read(child)!;
        }

        return result;
    }

    // The options the section sets, bound and checked; null when it is absent.
    [RequiresUnreferencedCode(BatchFactoryConfiguration.BinderReflection)]
    [RequiresDynamicCode(BatchFactoryConfiguration.BinderReflection)]
    private static T? Read<T>(IConfigurationSection section, Action<T> check)
        where T : class, new()
    {
        if (!section.Exists())
        {
            return null;
        }

        var options = SettingsBinder.Bind<T>(section);
        check(options);
        return options;
    }

    // An options object's own check, its error naming the setting under `name`, e.g. BatchFactory:Broker:Retry:MaxRetries.
    private static void Check(IConfigurationSection section, string name, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException ex)
        {
            throw SettingErrors.OutOfRange($"{section.Path}:{name}", ex);
        }
    }
}
