using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using BatchFactory.Brokers;
using Microsoft.Extensions.Configuration;

namespace BatchFactory.Engine.Configuration;

/// <summary>Binds a configuration section to an options object, refusing unknown keys; an error names the setting's path.</summary>
internal static partial class SettingsBinder
{
    /// <summary>A new <typeparamref name="T"/> with the settings of <paramref name="section"/>.</summary>
    /// <exception cref="ModelConfigurationException">
    /// A key is unknown (<c>BatchFactory:Providers:farm: 'Kindd' was not found …</c>) or a value does not convert
    /// (<c>BatchFactory:Broker:Retry:MaxRetries is 'many'; it must be a whole number.</c>).
    /// </exception>
    [RequiresUnreferencedCode(BatchFactoryConfiguration.BinderReflection)]
    [RequiresDynamicCode(BatchFactoryConfiguration.BinderReflection)]
    public static T Bind<T>(IConfigurationSection section)
        where T : new()
    {
        try
        {
            var value = new T();
            section.Bind(value, binder => binder.ErrorOnUnknownConfiguration = true);
            return value;
        }
        catch (InvalidOperationException ex)
        {
            // A value that does not convert: the binder says it at some depth of the chain, with its path and type.
            for (Exception? at = ex; at is not null; at = at.InnerException)
            {
                if (FailedConversion().Match(at.Message) is { Success: true } failed)
                {
                    throw SettingErrors.Invalid(failed.Groups["path"].Value, $"'{failed.Groups["value"].Value}'", $"it must be {Expected(failed.Groups["type"].Value)}.", ex);
                }
            }

            // Otherwise (an unknown key) the inner exception says it when there is one.
            throw new ModelConfigurationException($"{section.Path}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    // What a value of the binder's type name looks like; a nullable one is named by its underlying type.
    private static string Expected(string type) =>
        type.Contains("System.Int", StringComparison.Ordinal) ? "a whole number"
        : type.Contains("System.Double", StringComparison.Ordinal) || type.Contains("System.Decimal", StringComparison.Ordinal) ? "a number"
        : type.Contains("System.Boolean", StringComparison.Ordinal) ? "true or false"
        : type.Contains("System.TimeSpan", StringComparison.Ordinal) ? "a time span (e.g. 00:00:10)"
        : type.Contains("System.DateTimeOffset", StringComparison.Ordinal) ? "a date and time (e.g. 2030-01-31T18:00:00Z)"
        : $"a {type}";

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<path>[^']*)' to type '(?<type>[^']*)'\.", RegexOptions.Singleline)]
    private static partial Regex FailedConversion();
}
