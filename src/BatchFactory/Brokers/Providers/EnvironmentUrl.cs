namespace BatchFactory.Brokers;

/// <summary>A server's base URL read from an environment variable, as the built-in providers read it.</summary>
internal static class EnvironmentUrl
{
    /// <summary>The http(s) URL in <paramref name="variable"/>, or <see langword="null"/> when it is unset.</summary>
    /// <exception cref="ModelConfigurationException">The variable holds something else than an http(s) URL.</exception>
    public static Uri? Read(Func<string, string?> environment, string variable, ModelSpec model)
    {
        var text = environment(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ModelConfigurationException($"{variable} is '{text}', which is not an http(s) URL; '{model}' cannot use it.");
    }
}
