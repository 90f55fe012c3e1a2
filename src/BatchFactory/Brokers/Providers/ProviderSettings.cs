namespace BatchFactory;

/// <summary>
/// A named provider as configuration declares it: its kind and where and how to reach it. Give it to
/// <see cref="ModelProviders.With(string, ProviderSettings, Func{string, string?})"/>, or bind it from <c>appsettings.json</c>
/// (<c>BatchFactory:Providers:&lt;name&gt;</c>). Then <c>model@name</c> is answered by it, e.g. <c>qwen3-32b@gpu-farm</c>
/// beside <c>gpt-4o-mini@openai</c>.
/// </summary>
/// <example>
/// <code>
/// var models = ModelProviders.Default
///     .With("gpu-farm", new ProviderSettings { Kind = "openai-compatible", BaseUrls = ["http://gpu1:8000/v1", "http://gpu2:8000/v1"] })
///     .With("local", new ProviderSettings { Kind = "ollama" });
/// </code>
/// </example>
public sealed class ProviderSettings
{
    /// <summary>
    /// What speaks to the server: <c>openai</c> (OpenAI itself, or any server by <see cref="BaseUrl"/>; key required),
    /// <c>openai-compatible</c> (vLLM, llama.cpp, LM Studio…: <see cref="BaseUrl"/> required, key only when
    /// <see cref="ApiKeyVariable"/> is set), <c>ollama</c> (an <c>openai-compatible</c> server at
    /// <c>http://localhost:11434/v1</c> unless <see cref="BaseUrl"/> says otherwise; its list, the models pulled, is
    /// checked as <see cref="CheckModels"/> says), <c>azure</c> (Azure OpenAI:
    /// <see cref="BaseUrl"/> is the resource), <c>offline</c> (deterministic answers, no network), or a kind registered
    /// with <see cref="ModelProviders.WithKind"/>. Required; case-insensitive.
    /// </summary>
    public string? Kind { get; set; }

    /// <summary>
    /// The server's base URL, e.g. <c>http://gpu1:8000/v1</c> (for <c>azure</c> the resource, e.g.
    /// <c>https://my-resource.openai.azure.com/</c>). Default <see langword="null"/>: the kind's default. Must be an
    /// absolute http(s) URL.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>
    /// Several servers serving the same models, as a pool: each request goes to the server with the fewest requests
    /// outstanding, at most <see cref="MaxConcurrencyPerEndpoint"/> at a time each; a server that fails is left out until a
    /// health probe finds it answering again. For the OpenAI kinds only; not together with <see cref="BaseUrl"/>.
    /// Default empty.
    /// </summary>
    public IList<string> BaseUrls { get; set; } = [];

    /// <summary>
    /// The name of the environment variable holding the API key (the key itself never belongs in configuration): letters,
    /// digits and <c>_</c>, not starting with a digit, and not a run of 32 or more hex digits (an Azure key's shape), else
    /// the provider is refused when declared (the error does not repeat the value, in case it is a key). Default: the kind's own (<c>OPENAI_API_KEY</c> for <c>openai</c>,
    /// <c>AZURE_OPENAI_API_KEY</c> for <c>azure</c>, <c>ANTHROPIC_API_KEY</c> for <c>anthropic</c>), none for
    /// <c>openai-compatible</c> and <c>ollama</c>. When set, the variable must be set before a run uses the provider.
    /// </summary>
    public string? ApiKeyVariable { get; set; }

    /// <summary>
    /// Whether a run checks the models it uses against this provider's model list (<c>GET /v1/models</c>, asked once
    /// per run) before any entry moves, refusing a model the list lacks with its near matches. A name without a tag
    /// also matches the listed <c>name:latest</c> (Ollama's rule: <c>llama3.2</c> is <c>llama3.2:latest</c>). Default
    /// <see langword="true"/>. Set it to <see langword="false"/> for a server whose list does not say what it accepts,
    /// such as llama.cpp's <c>llama-server</c> (it lists its one model file or alias and answers any model name): then
    /// the list is not asked for, and a model the server does not serve fails at its first call (a 404 opens the
    /// model's circuit breaker). For the kinds with a list: <c>openai</c>, <c>openai-compatible</c>, <c>ollama</c>,
    /// <c>anthropic</c> (and a registered kind that reads it); <c>azure</c> and <c>offline</c> have none to turn off.
    /// </summary>
    public bool CheckModels { get; set; } = true;

    /// <summary>For <c>azure</c>: the API version, e.g. <c>2024-10-21</c>. Default <see langword="null"/>: the SDK's latest.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>
    /// For <c>azure</c>: the deployment serving each model name, so <c>gpt-4o@my-azure</c> can call the deployment
    /// <c>prod-gpt4o</c>. A model not in the map is taken as the deployment's name. Default empty.
    /// </summary>
    public IDictionary<string, string> Deployments { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>For a pool (<see cref="BaseUrls"/>): the most requests in flight per server. Default 64; at least 1.</summary>
    public int MaxConcurrencyPerEndpoint { get; set; } = 64;

    /// <summary>
    /// For a pool (<see cref="BaseUrls"/>): how long a server that failed stays out before a health probe
    /// (<c>GET &lt;url&gt;/models</c>) may bring it back; probed again as long as it does not answer. Default 5 seconds; positive.
    /// </summary>
    public TimeSpan HealthProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Rate limits (requests and tokens per minute, calls in flight) for each of this provider's models, in place of the
    /// run's <see cref="RunOptions.Broker"/> limits; a model named in <see cref="RunOptions.BrokerFor"/> keeps its own.
    /// Each model gets its own limiter with these limits (as providers limit each model); the run's retries and circuit
    /// breaker still apply. In configuration <c>BatchFactory:Providers:&lt;name&gt;:Limits</c>, e.g.
    /// <c>"Limits": { "RequestsPerMinute": 500, "MaxConcurrency": 8 }</c>. Default <see langword="null"/>: the run's limits.
    /// </summary>
    public RateLimitOptions? Limits { get; set; }

    /// <summary>
    /// Prices of this provider's models by model name (case-insensitive), for costs: used for <c>model@name</c> unless
    /// <see cref="RunOptions.Prices"/> sets a price for the model with <see cref="ModelPrices.With"/> (the built-in list
    /// prices of <see cref="ModelPrices.Default"/> give way to these). In configuration
    /// <c>BatchFactory:Providers:&lt;name&gt;:Prices:&lt;model&gt;</c> with <c>Input</c> and <c>Output</c>. Default empty.
    /// </summary>
    public IDictionary<string, PriceSettings> Prices { get; set; } = new Dictionary<string, PriceSettings>(StringComparer.OrdinalIgnoreCase);
}
