namespace BatchFactory.Logging;

/// <summary>
/// Removes secrets from text that goes to logs, run events, summaries, ledgers and entries: the strings it is given,
/// wherever they appear. A run gives it what its providers declare (<see cref="IHoldsSecrets"/>); a provider's error
/// message may quote the key it was given, and this keeps it out.
/// </summary>
internal sealed class SecretRedactor
{
    private const string Mask = "***";

    // Values this short would mask ordinary words; real keys are far longer.
    private const int MinSecretLength = 8;

    private readonly string[] _secrets;

    /// <summary>Takes the <paramref name="secrets"/> to remove, once, now; values shorter than 8 characters are ignored.</summary>
    public SecretRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = [.. secrets.OfType<string>().Where(s => s.Length >= MinSecretLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
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
