using System.Globalization;

namespace BatchFactory.Brokers;

/// <summary>Configuration errors that name the bad setting by its path, in one form: <c>{path} is {value}; it must be …</c>.</summary>
internal static class SettingErrors
{
    /// <summary>
    /// The error for a setting an options type's check refused with <paramref name="exception"/> (its parameter names the
    /// setting): e.g. <c>BatchFactory:Broker:Retry:MaxRetries is -1; it must be 0 (no retries) or more.</c>, without the
    /// exception's "(Parameter …)" and "Actual value was" lines.
    /// </summary>
    /// <param name="path">Where the options are, e.g. <c>BatchFactory:Broker:Retry</c>.</param>
    /// <param name="exception">The check's exception.</param>
    public static ModelConfigurationException OutOfRange(string path, ArgumentException exception)
    {
        var name = exception.ParamName ?? "value";
        var reason = exception.Message.IndexOf(" (Parameter", StringComparison.Ordinal) is var cut and > 0 ? exception.Message[..cut] : exception.Message;
        var value = exception is ArgumentOutOfRangeException { ActualValue: var actual } ? Shown(actual) : "not set";
        return Invalid($"{path}:{name}", value, reason.StartsWith(name + " ", StringComparison.Ordinal) ? "it " + reason[(name.Length + 1)..] : reason, exception);
    }

    /// <summary>The error <c>{path} is {value}; {reason}</c>.</summary>
    /// <param name="path">The setting's path.</param>
    /// <param name="value">Its value as given (already shown as text), or "not set".</param>
    /// <param name="reason">What it must be, e.g. <c>it must be 1 or more.</c></param>
    /// <param name="inner">The exception that found it, if any.</param>
    public static ModelConfigurationException Invalid(string path, string value, string reason, Exception? inner = null) =>
        new($"{path} is {value}; {reason}", inner);

    /// <summary>A value as configuration writes it: invariant culture, <c>null</c> for none.</summary>
    /// <param name="value">The value.</param>
    public static string Shown(object? value) => value switch
    {
        null => "null",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
