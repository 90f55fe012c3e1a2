using System.ClientModel;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// The <c>azure</c> provider: Azure OpenAI through Azure.AI.OpenAI. The model name is the deployment name
/// (<c>my-gpt4o-deployment@azure</c>); the resource comes from <c>AZURE_OPENAI_ENDPOINT</c> (e.g.
/// <c>https://my-resource.openai.azure.com/</c>) and the key from <c>AZURE_OPENAI_API_KEY</c>. Requests go to
/// <c>/openai/deployments/{deployment}/…</c>. The SDK's own retries are turned off: the broker retries. Batch requests
/// (<see cref="CallMode.Batch"/>) go through Azure's batch API (<c>/openai/files</c>, <c>/openai/batches</c>, at the
/// provider's API version), with the deployment name as every line's <c>model</c>.
/// </summary>
/// <remarks>
/// Calls go through the SDK's Microsoft.Extensions.AI adapter (<c>AsIChatClient</c>): with OpenAI 2.15 loaded beside
/// Azure.AI.OpenAI 2.1.0 that path works, while the Azure SDK's own <c>CompleteChatAsync</c> does not.
/// </remarks>
public sealed class AzureOpenAIProvider : IModelProvider, IHoldsSecrets, Brokers.IBatchProvider
{
    /// <summary>The environment variable holding the resource's endpoint.</summary>
    public const string EndpointVariable = "AZURE_OPENAI_ENDPOINT";

    /// <summary>The environment variable holding the API key.</summary>
    public const string ApiKeyVariable = "AZURE_OPENAI_API_KEY";

    private readonly Func<string, string?> _environment;
    private readonly Uri? _endpoint;
    private readonly string _keyVariable;
    private readonly AzureOpenAIClientOptions.ServiceVersion? _version;
    private readonly IReadOnlyDictionary<string, string> _deployments;
    private readonly Brokers.ProviderDeclaration? _declared;

    /// <summary>Creates the <c>azure</c> provider, configured by <c>AZURE_OPENAI_ENDPOINT</c> and <c>AZURE_OPENAI_API_KEY</c>.</summary>
    /// <param name="environment">Returns an environment variable's value, or <see langword="null"/>. Default: the process's environment.</param>
    public AzureOpenAIProvider(Func<string, string?>? environment = null)
        : this("azure", endpoint: null, ApiKeyVariable, version: null, new Dictionary<string, string>(), declared: null, environment)
    {
    }

    /// <summary>A provider named <paramref name="name"/>, declared by settings when <paramref name="declared"/> is given (else the built-in one).</summary>
    /// <param name="name">The provider's name.</param>
    /// <param name="endpoint">The resource; <see langword="null"/> reads <c>AZURE_OPENAI_ENDPOINT</c>.</param>
    /// <param name="keyVariable">The variable holding the key.</param>
    /// <param name="version">The API version; <see langword="null"/> for the SDK's latest.</param>
    /// <param name="deployments">The deployment of each model name; other names are deployments themselves.</param>
    /// <param name="declared">How its settings declared it, named in errors; <see langword="null"/> for the built-in provider.</param>
    /// <param name="environment">Reads environment variables.</param>
    internal AzureOpenAIProvider(string name, Uri? endpoint, string keyVariable, AzureOpenAIClientOptions.ServiceVersion? version, IReadOnlyDictionary<string, string> deployments, Brokers.ProviderDeclaration? declared, Func<string, string?>? environment)
    {
        Name = name;
        _endpoint = endpoint;
        _keyVariable = keyVariable;
        _version = version;
        _deployments = deployments;
        _declared = declared;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The key this provider sends (read now, through the environment the provider was given), or none when it is unset.</summary>
    IEnumerable<string> IHoldsSecrets.Secrets => _environment(_keyVariable) is { Length: > 0 } key ? [key] : [];

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Checks that the endpoint and key are set; any deployment name is accepted (only Azure knows them).</summary>
    public void Validate(string model) => _ = Client(model);

    /// <inheritdoc/>
    public IChatClient CreateChatClient(string model) => Client(model).GetChatClient(Deployment(model)).AsIChatClient();

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) =>
        Client(model).GetEmbeddingClient(Deployment(model)).AsIEmbeddingGenerator();

    /// <summary>Azure's batch API for <paramref name="model"/>'s deployment, with the SDK's own retries (there is no broker around it).</summary>
    Brokers.IBatchApi Brokers.IBatchProvider.CreateBatchApi(string model) =>
        new Brokers.AzureBatchApi(Client(model, retries: true), Client(model), Endpoint(model), Deployment(model), ApiVersion);

    // The version's text, e.g. 2024-10-21 for V2024_10_21; the SDK's latest when none is set, as the SDK's own default.
    private string ApiVersion => (_version ?? Enum.GetValues<AzureOpenAIClientOptions.ServiceVersion>().Max()).ToString()[1..].Replace('_', '-');

    private string Deployment(string model) => _deployments.GetValueOrDefault(model) ?? model;

    private Uri Endpoint(string model)
    {
        var endpoint = _endpoint ?? EndpointFromEnvironment(model);
        return endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
    }

    private AzureOpenAIClient Client(string model, bool retries = false)
    {
        var endpoint = Endpoint(model);
        var key = _environment(_keyVariable);
        if (string.IsNullOrEmpty(key))
        {
            throw _declared?.MissingKey(new ModelSpec(model, Name), _keyVariable)
                ?? new ModelConfigurationException($"'{model}@{Name}' needs an API key: set the environment variable {_keyVariable}.");
        }

        var options = _version is { } version ? new AzureOpenAIClientOptions(version) : new AzureOpenAIClientOptions();
        if (!retries)
        {
            options.RetryPolicy = Brokers.NoSdkRetries.Instance;
        }

        return new AzureOpenAIClient(endpoint, new ApiKeyCredential(key), options);
    }

    private Uri EndpointFromEnvironment(string model)
    {
        var endpointText = _environment(EndpointVariable);
        if (string.IsNullOrWhiteSpace(endpointText))
        {
            throw new ModelConfigurationException(_declared is null
                ? $"'{model}@{Name}' needs the Azure OpenAI resource: set the environment variable {EndpointVariable} (e.g. https://my-resource.openai.azure.com/)."
                : $"'{model}@{Name}' needs the Azure OpenAI resource: set {_declared.Path}:BaseUrl or the environment variable {EndpointVariable} (e.g. https://my-resource.openai.azure.com/).");
        }

        return Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"
            ? endpoint
            : throw new ModelConfigurationException($"{EndpointVariable} is '{endpointText}', which is not an http(s) URL; '{model}@{Name}' cannot use it.");
    }
}
