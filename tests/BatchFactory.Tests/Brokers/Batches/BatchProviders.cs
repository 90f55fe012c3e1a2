using BatchFactory.Testing;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>The batch-capable providers of the batch tests, pointed at the loopback server with a test key.</summary>
internal static class BatchProviders
{
    /// <summary>The provider of <paramref name="model"/> (<c>openai</c>, <c>azure</c> or <c>anthropic</c>) at <paramref name="server"/>.</summary>
    public static IModelProvider For(string model, OpenAICompatibleServer server, string key)
    {
        var variables = new Dictionary<string, string>
        {
            [OpenAIProvider.ApiKeyVariable] = key,
            [OpenAIProvider.BaseUrlVariable] = server.BaseUri.ToString(),
            [AzureOpenAIProvider.ApiKeyVariable] = key,
            [AzureOpenAIProvider.EndpointVariable] = server.Root.ToString(),
            [AnthropicProvider.ApiKeyVariable] = key,
            [AnthropicProvider.BaseUrlVariable] = server.Root.ToString(),
        };
        Func<string, string?> environment = variables.GetValueOrDefault;
        return ModelSpec.Parse(model).Provider switch
        {
            "openai" => new OpenAIProvider(environment),
            "azure" => new AzureOpenAIProvider(environment),
            _ => new AnthropicProvider(environment),
        };
    }
}
