using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace BatchFactory;

/// <summary>
/// The <c>openai</c> provider: OpenAI's API through the official OpenAI SDK, or any OpenAI-compatible server (vLLM,
/// llama.cpp, Ollama, LM Studio, …). Like the official SDKs it reads the key from <c>OPENAI_API_KEY</c> and the server
/// from <c>OPENAI_BASE_URL</c> (default <c>https://api.openai.com/v1</c>). The SDK's own retries are turned off: the
/// broker retries, so retries are not multiplied.
/// </summary>
public sealed class OpenAIProvider : IModelProvider, IHoldsSecrets, Brokers.IBatchProvider
{
    /// <summary>The environment variable holding the API key.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>The environment variable holding the server's base URL.</summary>
    public const string BaseUrlVariable = "OPENAI_BASE_URL";

    private readonly Func<string, string?> _environment;
    private readonly ModelPrices _knownModels;

    /// <summary>Creates the provider.</summary>
    /// <param name="environment">Returns an environment variable's value, or <see langword="null"/>. Default: the process's environment.</param>
    /// <param name="knownModels">The models OpenAI itself is known to serve. Default <see cref="ModelPrices.Default"/>; add a newer model with <see cref="ModelPrices.With"/>.</param>
    public OpenAIProvider(Func<string, string?>? environment = null, ModelPrices? knownModels = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _knownModels = knownModels ?? ModelPrices.Default;
    }

    /// <summary>The key in <c>OPENAI_API_KEY</c> (read now, through the environment the provider was given), or none when it is unset.</summary>
    IEnumerable<string> IHoldsSecrets.Secrets => _environment(ApiKeyVariable) is { Length: > 0 } key ? [key] : [];

    /// <inheritdoc/>
    public string Name => "openai";

    /// <summary>
    /// Checks that <c>OPENAI_API_KEY</c> is set and, when talking to OpenAI itself (no <c>OPENAI_BASE_URL</c>), that the
    /// model is one OpenAI serves (one with a price in the provider's known models); another server accepts any model name.
    /// </summary>
    public void Validate(string model)
    {
        _ = ApiKey(model);
        var baseUrl = BaseUrl(model);
        if (baseUrl is null && !_knownModels.Knows(model))
        {
            throw new ModelConfigurationException(
                $"'{model}@openai' is not a model this version knows OpenAI to serve (known: {string.Join(", ", _knownModels.Models)}). " +
                "Check the name. For a newer model register the provider with its price: " +
                "ModelProviders.Default.With(new OpenAIProvider(knownModels: ModelPrices.Default.With(model, input, output))). " +
                $"For another OpenAI-compatible server set {BaseUrlVariable}.");
        }
    }

    /// <inheritdoc/>
    public IChatClient CreateChatClient(string model) => Client(model).GetChatClient(model).AsIChatClient();

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) =>
        Client(model).GetEmbeddingClient(model).AsIEmbeddingGenerator();

    /// <summary>OpenAI's batch API for <paramref name="model"/>, with the SDK's own retries (there is no broker around it).</summary>
    Brokers.IBatchApi Brokers.IBatchProvider.CreateBatchApi(string model) => new Brokers.OpenAIBatchApi(Client(model, retries: true), model);

    private OpenAIClient Client(string model, bool retries = false)
    {
        var options = retries ? new OpenAIClientOptions() : new OpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(0) };
        if (BaseUrl(model) is { } baseUrl)
        {
            options.Endpoint = baseUrl;
        }

        return new OpenAIClient(new ApiKeyCredential(ApiKey(model)), options);
    }

    private string ApiKey(string model) => _environment(ApiKeyVariable) is { Length: > 0 } key
        ? key
        : throw new ModelConfigurationException(
            $"'{model}@openai' needs an API key: set the environment variable {ApiKeyVariable}. " +
            $"(For a local OpenAI-compatible server set {BaseUrlVariable} and any non-empty {ApiKeyVariable}; to run without a network use '{model}@offline'.)");

    private Uri? BaseUrl(string model)
    {
        var text = _environment(BaseUrlVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ModelConfigurationException($"{BaseUrlVariable} is '{text}', which is not an http(s) URL; '{model}@openai' cannot use it.");
    }
}
