using BatchFactory.Testing;

namespace BatchFactory.Tests.Support;

/// <summary>Model providers whose <c>openai</c> and <c>azure</c> entries talk to a loopback test server, with a test key.</summary>
internal static class LoopbackModels
{
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
