using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// The <c>azure</c> provider: Azure OpenAI through Azure.AI.OpenAI. The model name is the deployment name
/// (<c>my-gpt4o-deployment@azure</c>); the resource comes from <c>AZURE_OPENAI_ENDPOINT</c> (e.g.
/// <c>https://my-resource.openai.azure.com/</c>) and the key from <c>AZURE_OPENAI_API_KEY</c>. Requests go to
/// <c>/openai/deployments/{deployment}/…</c>. The SDK's own retries are turned off: the broker retries.
/// </summary>
/// <remarks>
/// Calls go through the SDK's Microsoft.Extensions.AI adapter (<c>AsIChatClient</c>): with OpenAI 2.15 loaded beside
/// Azure.AI.OpenAI 2.1.0 that path works, while the Azure SDK's own <c>CompleteChatAsync</c> does not.
/// </remarks>
public sealed class AzureOpenAIProvider : IModelProvider, IHoldsSecrets
{
    /// <summary>The environment variable holding the resource's endpoint.</summary>
    public const string EndpointVariable = "AZURE_OPENAI_ENDPOINT";

    /// <summary>The environment variable holding the API key.</summary>
    public const string ApiKeyVariable = "AZURE_OPENAI_API_KEY";

    private readonly Func<string, string?> _environment;

    /// <summary>Creates the provider.</summary>
    /// <param name="environment">Returns an environment variable's value, or <see langword="null"/>. Default: the process's environment.</param>
    public AzureOpenAIProvider(Func<string, string?>? environment = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The key in <c>AZURE_OPENAI_API_KEY</c> (read now, through the environment the provider was given), or none when it is unset.</summary>
    IEnumerable<string> IHoldsSecrets.Secrets => _environment(ApiKeyVariable) is { Length: > 0 } key ? [key] : [];

    /// <inheritdoc/>
    public string Name => "azure";

    /// <summary>Checks that the endpoint and key are set; any deployment name is accepted (only Azure knows them).</summary>
    public void Validate(string model) => _ = Client(model);

    /// <inheritdoc/>
    public IChatClient CreateChatClient(string model) => Client(model).GetChatClient(model).AsIChatClient();

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) =>
        Client(model).GetEmbeddingClient(model).AsIEmbeddingGenerator();

    private AzureOpenAIClient Client(string model)
    {
        var endpointText = _environment(EndpointVariable);
        if (string.IsNullOrWhiteSpace(endpointText))
        {
            throw new ModelConfigurationException($"'{model}@azure' needs the Azure OpenAI resource: set the environment variable {EndpointVariable} (e.g. https://my-resource.openai.azure.com/).");
        }

        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new ModelConfigurationException($"{EndpointVariable} is '{endpointText}', which is not an http(s) URL; '{model}@azure' cannot use it.");
        }

        var key = _environment(ApiKeyVariable);
        if (string.IsNullOrEmpty(key))
        {
            throw new ModelConfigurationException($"'{model}@azure' needs an API key: set the environment variable {ApiKeyVariable}.");
        }

        return new AzureOpenAIClient(endpoint, new ApiKeyCredential(key), new AzureOpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(0) });
    }
}
