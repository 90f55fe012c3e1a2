namespace BatchFactory.Logging;

/// <summary>
/// Removes API keys from text that goes to logs, run events, summaries, ledgers and entries: the values of the
/// environment variables the built-in providers read keys from (<c>OPENAI_API_KEY</c>, <c>AZURE_OPENAI_API_KEY</c>) and
/// the keys the run's providers were given some other way, wherever they appear. A provider's error message may quote
/// the key it was given; this keeps it out.
/// </summary>
internal sealed class SecretRedactor
{
    private const string Mask = "***";

    // Values this short would mask ordinary words; real keys are far longer.
    private const int MinSecretLength = 8;

    private static readonly string[] s_variables = [OpenAIProvider.ApiKeyVariable, AzureOpenAIProvider.ApiKeyVariable];

    private readonly string[] _secrets;

    /// <summary>Reads the keys with <paramref name="environment"/> (default: the process environment) once, now, and adds <paramref name="more"/>.</summary>
    public SecretRedactor(Func<string, string?>? environment = null, IEnumerable<string>? more = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        _secrets = [.. s_variables.Select(environment).OfType<string>().Concat(more ?? []).Where(s => s.Length >= MinSecretLength).Distinct(StringComparer.Ordinal)];
    }

    /// <summary><paramref name="text"/> with every key replaced by <c>***</c>.</summary>
    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The exception's type and message, keys removed: what failures say in logs, events and summaries.</summary>
    public string Describe(Exception exception) => Redact($"{exception.GetType().Name}: {exception.Message}");
}
