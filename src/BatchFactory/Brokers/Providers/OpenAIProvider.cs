using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

namespace BatchFactory;

/// <summary>
/// The <c>openai</c> provider: OpenAI's API through the official OpenAI SDK, or any OpenAI-compatible server (vLLM,
/// llama.cpp, Ollama, LM Studio, …). Like the official SDKs it reads the key from <c>OPENAI_API_KEY</c> and the server
/// from <c>OPENAI_BASE_URL</c> (default <c>https://api.openai.com/v1</c>). Any model name is accepted; before a run
/// starts, the run checks its models against the server's <c>GET /v1/models</c> list (<see cref="IListsModels"/>) when
/// the server has one. The SDK's own retries are turned off: the broker retries, so retries are not multiplied.
/// Further OpenAI-compatible servers under names of their own are declared with
/// <see cref="ModelProviders.With(string, ProviderSettings, Func{string, string?})"/>.
/// </summary>
public sealed class OpenAIProvider : IModelProvider, IHoldsSecrets, IListsModels, Brokers.IBatchProvider
{
    /// <summary>The environment variable holding the API key.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>The environment variable holding the server's base URL.</summary>
    public const string BaseUrlVariable = "OPENAI_BASE_URL";

    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(10);

    private readonly Func<string, string?> _environment;
    private readonly Uri? _baseUrl;
    private readonly string? _keyVariable;
    private readonly Brokers.ProviderDeclaration? _declared;

    /// <summary>Creates the <c>openai</c> provider, configured by <c>OPENAI_API_KEY</c> and <c>OPENAI_BASE_URL</c>.</summary>
    /// <param name="environment">Returns an environment variable's value, or <see langword="null"/>. Default: the process's environment.</param>
    public OpenAIProvider(Func<string, string?>? environment = null)
        : this("openai", baseUrl: null, ApiKeyVariable, declared: null, environment)
    {
    }

    /// <summary>A provider named <paramref name="name"/> (declared by settings, when <paramref name="declared"/> is given).</summary>
    /// <param name="name">The provider's name.</param>
    /// <param name="baseUrl">The server; <see langword="null"/> reads <c>OPENAI_BASE_URL</c>, else OpenAI itself.</param>
    /// <param name="keyVariable">The variable holding the key, which must then be set; <see langword="null"/> for a server that needs no key.</param>
    /// <param name="declared">How its settings declared it (named in errors; whether the model list is checked); <see langword="null"/> for the built-in provider.</param>
    /// <param name="environment">Reads environment variables.</param>
    internal OpenAIProvider(string name, Uri? baseUrl, string? keyVariable, Brokers.ProviderDeclaration? declared, Func<string, string?>? environment)
    {
        Name = name;
        _baseUrl = baseUrl;
        _keyVariable = keyVariable;
        _declared = declared;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The key this provider sends (read now, through the environment the provider was given), or none when it is unset.</summary>
    IEnumerable<string> IHoldsSecrets.Secrets => _keyVariable is not null && _environment(_keyVariable) is { Length: > 0 } key ? [key] : [];

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>
    /// Checks that the API key is set (<c>OPENAI_API_KEY</c>, or the provider's configured variable) and the base URL is
    /// an http(s) URL. Any model name is accepted here; the run checks it against the server's model list.
    /// </summary>
    public void Validate(string model)
    {
        _ = ApiKey(model);
        _ = BaseUrl(model);
    }

    /// <inheritdoc/>
    public IChatClient CreateChatClient(string model) => Client(model).GetChatClient(model).AsIChatClient();

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) =>
        Client(model).GetEmbeddingClient(model).AsIEmbeddingGenerator();

    /// <summary>OpenAI's batch API for <paramref name="model"/>, with the SDK's own retries (there is no broker around it).</summary>
    Brokers.IBatchApi Brokers.IBatchProvider.CreateBatchApi(string model) => new Brokers.OpenAIBatchApi(Client(model, retries: true), Client(model), model);

    /// <summary>
    /// The server's models (<c>GET /models</c>), or <see langword="null"/> when the server has no list or does not
    /// answer within 10 seconds, the provider is not configured (the run's check says why), or its settings turn the
    /// check off (<see cref="ProviderSettings.CheckModels"/>; then the server is not asked).
    /// </summary>
    public async Task<IReadOnlyCollection<string>?> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        if (_declared is { CheckModels: false })
        {
            return null;
        }

        try
        {
            var client = Client("*", ListTimeout).GetOpenAIModelClient();
            var models = await client.GetModelsAsync(cancellationToken).ConfigureAwait(false);
            return [.. models.Value.Select(m => m.Id)];
        }
        catch (Exception ex) when (ex is ClientResultException or HttpRequestException or ModelConfigurationException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private OpenAIClient Client(string model, TimeSpan? networkTimeout = null, bool retries = false)
    {
        var options = retries ? new OpenAIClientOptions() : new OpenAIClientOptions { RetryPolicy = Brokers.NoSdkRetries.Instance };
        if (networkTimeout is { } timeout)
        {
            options.NetworkTimeout = timeout;
        }

        if (BaseUrl(model) is { } baseUrl)
        {
            options.Endpoint = baseUrl;
        }

        return new OpenAIClient(new ApiKeyCredential(ApiKey(model)), options);
    }

    // A server that needs no key still gets one: the SDK refuses an empty credential.
    private string ApiKey(string model)
    {
        if (_keyVariable is null)
        {
            return "no-key";
        }

        if (_environment(_keyVariable) is { Length: > 0 } key)
        {
            return key;
        }

        throw _declared?.MissingKey(new ModelSpec(model, Name), _keyVariable) ?? new ModelConfigurationException(
            $"'{model}@{Name}' needs an API key: set the environment variable {_keyVariable}. " +
            $"(For a local OpenAI-compatible server set {BaseUrlVariable} and any non-empty {_keyVariable}, or declare it as an 'openai-compatible' provider; to run without a network use '{model}@offline'.)");
    }

    private Uri? BaseUrl(string model) => _baseUrl ?? Brokers.EnvironmentUrl.Read(_environment, BaseUrlVariable, new ModelSpec(model, Name));
}
