using System.Collections.Immutable;
using Azure.AI.OpenAI;

namespace BatchFactory.Brokers;

/// <summary>Makes a provider from its <see cref="ProviderSettings"/>, checking them first; every error names the setting's configuration path.</summary>
internal static class ProviderKinds
{
    /// <summary>The default base URL of the <c>ollama</c> kind: Ollama's OpenAI-compatible endpoint on this machine.</summary>
    public const string OllamaBaseUrl = "http://localhost:11434/v1";

    /// <summary>The kinds built in.</summary>
    public static readonly ImmutableArray<string> BuiltIn = ["openai", "openai-compatible", "ollama", "azure", "anthropic", "offline"];

    /// <summary>The provider <paramref name="settings"/> describe, named <paramref name="name"/>.</summary>
    /// <param name="name">The provider's name.</param>
    /// <param name="settings">Its settings.</param>
    /// <param name="path">Where the settings are, e.g. <c>BatchFactory:Providers:gpu-farm</c>.</param>
    /// <param name="custom">Registered kinds beyond the built-in ones.</param>
    /// <param name="environment">Reads environment variables.</param>
    /// <exception cref="ModelConfigurationException">A setting is missing or wrong; the message names its path.</exception>
    public static IModelProvider Create(string name, ProviderSettings settings, string path, IReadOnlyDictionary<string, Func<string, ProviderSettings, IModelProvider>> custom, Func<string, string?>? environment)
    {
        var kind = settings.Kind?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(kind))
        {
            throw Error(path, "Kind", $"is not set. Set it to one of: {Known(custom)}.");
        }

        // The value is not repeated: a key pasted here would otherwise reach the error (and every message naming the variable).
        if (settings.ApiKeyVariable is { } variable && !IsVariableName(variable))
        {
            throw Error(path, "ApiKeyVariable", "must name an environment variable (letters, digits and _), not hold the key itself.");
        }

        if (!settings.CheckModels && kind is "azure" or "offline")
        {
            throw Error(path, "CheckModels", $"is false, but an '{kind}' provider has no model list to check; remove the setting.");
        }

        if (settings.MaxConcurrencyPerEndpoint < 1)
        {
            throw Error(path, "MaxConcurrencyPerEndpoint", $"is {settings.MaxConcurrencyPerEndpoint}; it must be at least 1.");
        }

        if (settings.HealthProbeInterval <= TimeSpan.Zero)
        {
            throw Error(path, "HealthProbeInterval", $"is {settings.HealthProbeInterval}; it must be positive.");
        }

        var urls = Urls(settings, path);
        if (kind is not ("openai" or "openai-compatible" or "ollama") && urls.Count > 1)
        {
            throw Error(path, "BaseUrls", $"lists {urls.Count} servers, but a pool of servers is for the OpenAI kinds only, not '{kind}'.");
        }

        var declared = new ProviderDeclaration(path, kind, KeyVariableGiven: settings.ApiKeyVariable is not null, settings.CheckModels);
        switch (kind)
        {
            case "openai":
                return OpenAI(name, urls, settings.ApiKeyVariable ?? OpenAIProvider.ApiKeyVariable, declared, settings, environment);
            case "openai-compatible":
                if (urls.Count == 0)
                {
                    throw Error(path, "BaseUrl", "is not set; an 'openai-compatible' provider needs its server's URL, e.g. http://localhost:8000/v1.");
                }

                return OpenAI(name, urls, settings.ApiKeyVariable, declared, settings, environment);
            case "ollama":
                return OpenAI(name, urls.Count > 0 ? urls : [new Uri(OllamaBaseUrl)], settings.ApiKeyVariable, declared, settings, environment);
            case "azure":
                return new AzureOpenAIProvider(name, urls.FirstOrDefault(), settings.ApiKeyVariable ?? AzureOpenAIProvider.ApiKeyVariable, ServiceVersion(settings.ApiVersion, path), settings.Deployments.ToImmutableDictionary(StringComparer.Ordinal), declared, environment);
            case "anthropic":
                return new AnthropicProvider(name, urls.FirstOrDefault(), settings.ApiKeyVariable ?? AnthropicProvider.ApiKeyVariable, declared, environment);
            case "offline":
                return new OfflineProvider(name);
            default:
                if (custom.TryGetValue(kind, out var create))
                {
                    return create(name, settings);
                }

                throw Error(path, "Kind", $"is '{settings.Kind}', which is not a known kind. Known kinds: {Known(custom)}; register another with ModelProviders.WithKind.");
        }
    }

    private static IModelProvider OpenAI(string name, IReadOnlyList<Uri> urls, string? keyVariable, ProviderDeclaration declared, ProviderSettings settings, Func<string, string?>? environment) =>
        urls.Count <= 1
            ? new OpenAIProvider(name, urls.FirstOrDefault(), keyVariable, declared, environment)
            : new PooledProvider(name, [.. urls.Select(url => (url, new OpenAIProvider(name, url, keyVariable, declared, environment)))], settings.MaxConcurrencyPerEndpoint, settings.HealthProbeInterval);

    // An environment variable's name as shells write them: letters, digits and _, not starting with a digit. A long run
    // of hex digits is an Azure key rather than a name, even when it starts with a letter.
    private static bool IsVariableName(string text) =>
        text.Length > 0
        && !char.IsAsciiDigit(text[0])
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && !(text.Length >= 32 && text.All(char.IsAsciiHexDigit));

    private static List<Uri> Urls(ProviderSettings settings, string path)
    {
        if (settings.BaseUrl is not null && settings.BaseUrls.Count > 0)
        {
            throw Error(path, "BaseUrls", "is set together with BaseUrl; give one server as BaseUrl or several as BaseUrls, not both.");
        }

        return settings.BaseUrl is { } one
            ? [Url(one, $"{path}:BaseUrl")]
            : [.. settings.BaseUrls.Select((url, i) => Url(url, $"{path}:BaseUrls:{i}"))];
    }

    private static Uri Url(string text, string path) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ModelConfigurationException($"{path} is '{text}', which is not an absolute http(s) URL (e.g. http://localhost:8000/v1).");

    private static AzureOpenAIClientOptions.ServiceVersion? ServiceVersion(string? text, string path)
    {
        if (text is null)
        {
            return null;
        }

        return Enum.TryParse<AzureOpenAIClientOptions.ServiceVersion>("V" + text.Trim().Replace('-', '_'), ignoreCase: true, out var version)
            ? version
            : throw Error(path, "ApiVersion", $"is '{text}', which this version does not know. Known: {string.Join(", ", Enum.GetNames<AzureOpenAIClientOptions.ServiceVersion>().Select(v => v[1..].Replace('_', '-')))}.");
    }

    private static string Known(IReadOnlyDictionary<string, Func<string, ProviderSettings, IModelProvider>> custom) =>
        string.Join(", ", BuiltIn.Concat(custom.Keys.Order(StringComparer.Ordinal)));

    private static ModelConfigurationException Error(string path, string key, string problem) => new($"{path}:{key} {problem}");
}
