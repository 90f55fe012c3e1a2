namespace BatchFactory.Brokers;

/// <summary>How a named provider was declared by its <see cref="ProviderSettings"/>: what its errors name, and whether its model list is checked.</summary>
/// <param name="Path">Where its settings are, e.g. <c>BatchFactory:Providers:local</c>.</param>
/// <param name="Kind">Its kind, lower-case, e.g. <c>openai</c>.</param>
/// <param name="KeyVariableGiven">Whether <see cref="ProviderSettings.ApiKeyVariable"/> was set; else the kind's default variable is read.</param>
/// <param name="CheckModels"><see cref="ProviderSettings.CheckModels"/>: whether a run checks its models against the provider's list.</param>
internal sealed record ProviderDeclaration(string Path, string Kind, bool KeyVariableGiven, bool CheckModels)
{
    /// <summary>The error for <paramref name="model"/> when <paramref name="variable"/>, the key variable, is not set: which setting named it, and what else to do.</summary>
    public ModelConfigurationException MissingKey(ModelSpec model, string variable)
    {
        var origin = KeyVariableGiven
            ? $"named by {Path}:ApiKeyVariable"
            : $"the '{Kind}' kind's default; name another with {Path}:ApiKeyVariable";
        var otherwise = Kind switch
        {
            "openai-compatible" or "ollama" => ", or remove that setting if the server needs no key.",
            "openai" => $". For a server that needs no key, declare it with Kind 'openai-compatible'{(KeyVariableGiven ? " and no ApiKeyVariable" : string.Empty)}.",
            _ => ".",
        };
        return new ModelConfigurationException($"'{model}' needs an API key: set the environment variable {variable} ({origin}){otherwise}");
    }
}
