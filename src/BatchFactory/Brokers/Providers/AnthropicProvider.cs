using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Models;
using BatchFactory.Brokers;
using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// The <c>anthropic</c> provider: Claude models through Anthropic's official SDK and its Microsoft.Extensions.AI adapter.
/// Like the SDK it reads the key from <c>ANTHROPIC_API_KEY</c> and the server from <c>ANTHROPIC_BASE_URL</c> (default
/// <c>https://api.anthropic.com</c>). The SDK's own retries are turned off: the broker retries 429 and 529 ("overloaded")
/// honouring <c>retry-after</c>. A request without <see cref="LlmOptions.MaxTokens"/> asks for at most
/// <see cref="DefaultMaxTokens"/> output tokens (the Messages API needs a bound). Chat only: Anthropic has no embeddings.
/// Before a run starts, the run checks its models against Anthropic's model list (<c>GET /v1/models</c>, every page;
/// see <see cref="ListModelsAsync"/>), where aliases such as <c>claude-sonnet-4-5</c> count as listed. Batch requests
/// (<see cref="CallMode.Batch"/>) go through Anthropic's Message Batches (<c>/v1/messages/batches</c>), at the batch price.
/// </summary>
public sealed class AnthropicProvider : IModelProvider, IHoldsSecrets, IListsModels, IBatchProvider
{
    /// <summary>The environment variable holding the API key.</summary>
    public const string ApiKeyVariable = "ANTHROPIC_API_KEY";

    /// <summary>The environment variable holding the server's base URL.</summary>
    public const string BaseUrlVariable = "ANTHROPIC_BASE_URL";

    /// <summary>The output bound of a request that sets none: 4,096 tokens.</summary>
    public const int DefaultMaxTokens = 4096;

    private const string DefaultBaseUrl = "https://api.anthropic.com";

    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(10);

    private readonly Func<string, string?> _environment;
    private readonly Uri? _baseUrl;
    private readonly string _keyVariable;
    private readonly ProviderDeclaration? _declared;

    /// <summary>Creates the <c>anthropic</c> provider, configured by <c>ANTHROPIC_API_KEY</c> and <c>ANTHROPIC_BASE_URL</c>.</summary>
    /// <param name="environment">Returns an environment variable's value, or <see langword="null"/>. Default: the process's environment.</param>
    public AnthropicProvider(Func<string, string?>? environment = null)
        : this("anthropic", baseUrl: null, ApiKeyVariable, declared: null, environment)
    {
    }

    /// <summary>A provider named <paramref name="name"/>, declared by settings when <paramref name="declared"/> is given (else the built-in one).</summary>
    internal AnthropicProvider(string name, Uri? baseUrl, string keyVariable, ProviderDeclaration? declared, Func<string, string?>? environment)
    {
        Name = name;
        _baseUrl = baseUrl;
        _keyVariable = keyVariable;
        _declared = declared;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The key this provider sends (read now), or none when it is unset.</summary>
    IEnumerable<string> IHoldsSecrets.Secrets => _environment(_keyVariable) is { Length: > 0 } key ? [key] : [];

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Checks that the key is set and the base URL is an http(s) URL; any model name is accepted.</summary>
    public void Validate(string model)
    {
        _ = ApiKey(model);
        _ = BaseUrl(model);
    }

    /// <inheritdoc/>
    public IChatClient CreateChatClient(string model)
    {
        var http = new HttpClient(new HttpStatusHandler(new SocketsHttpHandler())) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new AnthropicClient
        {
            ApiKey = ApiKey(model),
            BaseUrl = (BaseUrl(model)?.ToString() ?? DefaultBaseUrl).TrimEnd('/'),
            MaxRetries = 0,
            HttpClient = http,
        };

        return new AnthropicErrorsChatClient(client.AsIChatClient(model, DefaultMaxTokens), http);
    }

    /// <summary>Anthropic's Message Batches for <paramref name="model"/>, with the SDK's own retries (there is no broker around it).</summary>
    IBatchApi IBatchProvider.CreateBatchApi(string model)
    {
        var http = AnthropicBatchBody.Client();
        var client = new AnthropicClient { ApiKey = ApiKey(model), BaseUrl = (BaseUrl(model)?.ToString() ?? DefaultBaseUrl).TrimEnd('/'), HttpClient = http };
        var creator = new AnthropicClient { ApiKey = ApiKey(model), BaseUrl = (BaseUrl(model)?.ToString() ?? DefaultBaseUrl).TrimEnd('/'), HttpClient = http, MaxRetries = 0 };
        return new AnthropicBatchApi(client, creator, http, model, DefaultMaxTokens);
    }

    /// <summary>
    /// The models Anthropic's <c>GET /v1/models</c> lists (all pages, 1,000 a page), with the aliases its dated ids
    /// answer to: <c>claude-sonnet-4-5</c> and <c>claude-sonnet-4-5-latest</c> for <c>claude-sonnet-4-5-20250929</c>,
    /// <c>claude-opus-4-0</c> for <c>claude-opus-4-20250514</c>. <see langword="null"/> when the server has no list, refuses
    /// the key, cannot be reached within 10 seconds, or the key is not set, or when the provider's settings turn the
    /// check off (<see cref="ProviderSettings.CheckModels"/>; then the server is not asked).
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyCollection<string>?> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        if (_declared is { CheckModels: false })
        {
            return null;
        }

        try
        {
            using var http = new HttpClient { Timeout = ListTimeout };
            var client = new AnthropicClient { ApiKey = ApiKey("*"), BaseUrl = (BaseUrl("*")?.ToString() ?? DefaultBaseUrl).TrimEnd('/'), MaxRetries = 0, HttpClient = http };
            var page = await client.Models.List(new ModelListParams { Limit = 1000 }, cancellationToken).ConfigureAwait(false);
            var models = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var model in page.Paginate(cancellationToken).ConfigureAwait(false))
            {
                models.Add(model.ID);
                models.UnionWith(DatedModelIds.AliasesOf(model.ID));
            }

            return models;
        }
        catch (Exception ex) when (ex is AnthropicException or HttpRequestException or ModelConfigurationException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>Always throws: Anthropic has no embedding models.</summary>
    /// <exception cref="ModelConfigurationException">Always.</exception>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) =>
        throw new ModelConfigurationException($"'{model}@{Name}': Anthropic has no embedding models; embed with another provider.");

    private string ApiKey(string model) => _environment(_keyVariable) is { Length: > 0 } key
        ? key
        : throw _declared?.MissingKey(new ModelSpec(model, Name), _keyVariable)
            ?? new ModelConfigurationException($"'{model}@{Name}' needs an API key: set the environment variable {_keyVariable}.");

    private Uri? BaseUrl(string model) => _baseUrl ?? Brokers.EnvironmentUrl.Read(_environment, BaseUrlVariable, new ModelSpec(model, Name));
}
