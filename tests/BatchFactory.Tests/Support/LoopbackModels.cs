using BatchFactory.Testing;

namespace BatchFactory.Tests.Support;

/// <summary>Model providers whose <c>openai</c> and <c>azure</c> entries talk to a loopback test server, with a test key.</summary>
internal static class LoopbackModels
{
    /// <summary>The <c>openai</c> provider pointed at <paramref name="baseUri"/> (e.g. a closed port), with a test key.</summary>
    public static ModelProviders At(Uri baseUri, string key)
    {
        var environment = new Dictionary<string, string>
        {
            [OpenAIProvider.ApiKeyVariable] = key,
            [OpenAIProvider.BaseUrlVariable] = baseUri.ToString(),
        };
        return ModelProviders.Default.With(new OpenAIProvider(environment.GetValueOrDefault));
    }

    public static ModelProviders For(OpenAICompatibleServer server, string key)
    {
        var environment = new Dictionary<string, string>
        {
            [OpenAIProvider.ApiKeyVariable] = key,
            [OpenAIProvider.BaseUrlVariable] = server.BaseUri.ToString(),
            [AzureOpenAIProvider.ApiKeyVariable] = key,
            [AzureOpenAIProvider.EndpointVariable] = server.Root.ToString(),
        };
        return ModelProviders.Default
            .With(new OpenAIProvider(environment.GetValueOrDefault))
            .With(new AzureOpenAIProvider(environment.GetValueOrDefault));
    }
}
