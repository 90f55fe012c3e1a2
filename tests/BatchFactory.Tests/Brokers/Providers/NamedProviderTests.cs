using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Providers;

/// <summary>Providers declared by kind and settings, resolved by name, and their errors named by configuration path.</summary>
public sealed class NamedProviderTests : IAsyncLifetime
{
    private OpenAICompatibleServer _farm = null!;
    private OpenAICompatibleServer _openai = null!;

    public async ValueTask InitializeAsync()
    {
        _farm = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        _openai = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _farm.DisposeAsync();
        await _openai.DisposeAsync();
    }

    [Fact]
    public async Task With_OpenAICompatibleBesideOpenAI_EachModelGoesToItsOwnServer()
    {
        var models = LoopbackModels.For(_openai, "sk-named-secret-1")
            .With("gpu-farm", new ProviderSettings { Kind = "openai-compatible", BaseUrl = _farm.BaseUri.ToString() });
        var graph = FromList(new[] { "sea" }, outputKey: "topic")
            | AskLLM("Poem about {topic}", "qwen3-32b@gpu-farm", "local")
            | AskLLM("Poem about {topic}", "gpt-4o-mini@openai", "remote")
            | OutputEntries();

        var result = await graph.RunCheckedAsync(new RunOptions { Models = models }, TestRuns.Token);

        var entry = Assert.Single(result.Entries);
        Assert.Equal("Echo[qwen3-32b]: Poem about sea", entry.Get<string>("local"));
        Assert.Equal("Echo[gpt-4o-mini]: Poem about sea", entry.Get<string>("remote"));
        Assert.Equal((1L, 1L), (_farm.ChatRequests, _openai.ChatRequests));
        Assert.Equal("qwen3-32b", Assert.Single(_farm.Requests).Model);
    }

    [Fact]
    public async Task With_OllamaKindAtAnotherAddress_TalksToItsOpenAICompatibleEndpoint()
    {
        var models = ModelProviders.Default.With("local", new ProviderSettings { Kind = "ollama", BaseUrl = _farm.BaseUri.ToString() });

        var result = await (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "llama3.2@local", "poem") | ToList("poem"))
            .RunCheckedAsync(new RunOptions { Models = models }, TestRuns.Token);

        Assert.Equal(["Echo[llama3.2]: Poem about sea"], result.Values<string>());
    }

    [Fact]
    public void With_OllamaKindWithoutBaseUrl_IsAcceptedWithNoKey() =>
        Assert.Equal("local", ModelProviders.Default.With("local", new ProviderSettings { Kind = "Ollama" }).Resolve(new ModelSpec("llama3.2", "local")).Name);

    [Theory]
    [InlineData("vllm", null, "Providers:farm:Kind is 'vllm', which is not a known kind. Known kinds: openai, openai-compatible, ollama, azure, anthropic, offline")]
    [InlineData(null, null, "Providers:farm:Kind is not set")]
    [InlineData("openai-compatible", "localhost:8000", "Providers:farm:BaseUrl is 'localhost:8000', which is not an absolute http(s) URL")]
    [InlineData("openai-compatible", null, "Providers:farm:BaseUrl is not set")]
    [InlineData("azure", "ftp://x/", "Providers:farm:BaseUrl is 'ftp://x/', which is not an absolute http(s) URL")]
    public void With_BadSettings_ThrowsNamingTheSettingsPath(string? kind, string? baseUrl, string expected)
    {
        var error = Assert.Throws<ModelConfigurationException>(() => ModelProviders.Default.With("farm", new ProviderSettings { Kind = kind, BaseUrl = baseUrl }));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_BadPoolUrl_NamesItsIndex()
    {
        var error = Assert.Throws<ModelConfigurationException>(() => ModelProviders.Default.With("farm", new ProviderSettings { Kind = "openai-compatible", BaseUrls = ["http://gpu1:8000/v1", "gpu2"] }));

        Assert.StartsWith("Providers:farm:BaseUrls:1 is 'gpu2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_KeyVariableNotSet_FailsBeforeAnyCallNamingTheVariableAndItsPath()
    {
        var environment = new Dictionary<string, string>();
        var models = ModelProviders.Default.With(
            "farm",
            new ProviderSettings { Kind = "openai-compatible", BaseUrl = _farm.BaseUri.ToString(), ApiKeyVariable = "FARM_KEY" },
            environment.GetValueOrDefault);

        var error = await Assert.ThrowsAsync<ModelConfigurationException>(() => (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "qwen3@farm", "poem") | ToList("poem")).RunAsync(new RunOptions { Models = models }, TestRuns.Token));

        Assert.Contains("set the environment variable FARM_KEY (named by Providers:farm:ApiKeyVariable", error.Message);
        Assert.Equal(0, _farm.TotalRequests);
    }

    [Theory]
    [InlineData("sk-proj-Pasted0123456789abcdef")] // OpenAI's shape
    [InlineData("sk-ant-api03-Pasted0123456789")] // Anthropic's
    [InlineData("a1b2c3d4e5f60718293a4b5c6d7e8f90")] // Azure's: 32 hex digits, which would pass as a name
    [InlineData("0FARM_KEY")]
    [InlineData("FARM KEY")]
    [InlineData("")]
    public void With_ApiKeyVariableNotAVariableName_IsRefusedWithoutRepeatingTheValue(string value)
    {
        var error = Assert.Throws<ModelConfigurationException>(() =>
            ModelProviders.Default.With("local", new ProviderSettings { Kind = "openai-compatible", BaseUrl = "http://localhost:8000/v1", ApiKeyVariable = value }));

        Assert.Equal("Providers:local:ApiKeyVariable must name an environment variable (letters, digits and _), not hold the key itself.", error.Message);
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, error.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("FARM_KEY")]
    [InlineData("_farm_key2")]
    public void With_ApiKeyVariableAName_IsAccepted(string variable) =>
        Assert.Equal("farm", ModelProviders.Default.With("farm", new ProviderSettings { Kind = "anthropic", ApiKeyVariable = variable }, new Dictionary<string, string> { [variable] = "sk-ant-set" }.GetValueOrDefault).Resolve(new ModelSpec("claude-sonnet-4-5", "farm")).Name);

    [Theory]
    [InlineData(null, "set the environment variable OPENAI_API_KEY (the 'openai' kind's default; name another with Providers:remote:ApiKeyVariable). For a server that needs no key, declare it with Kind 'openai-compatible'.")]
    [InlineData("REMOTE_KEY", "set the environment variable REMOTE_KEY (named by Providers:remote:ApiKeyVariable). For a server that needs no key, declare it with Kind 'openai-compatible' and no ApiKeyVariable.")]
    public void Resolve_OpenAIKindWithItsKeyVariableUnset_SaysWhichSettingNamedItAndHowToGoWithoutAKey(string? variable, string expected)
    {
        var models = ModelProviders.Default.With("remote", new ProviderSettings { Kind = "openai", BaseUrl = "http://localhost:8000/v1", ApiKeyVariable = variable }, _ => null);

        var error = Assert.Throws<ModelConfigurationException>(() => models.Resolve(new ModelSpec("gpt-4o-mini", "remote")));

        Assert.Equal("'gpt-4o-mini@remote' needs an API key: " + expected, error.Message);
    }

    [Fact]
    public void Resolve_OpenAICompatibleKindWithItsKeyVariableUnset_SaysToSetItOrRemoveTheSetting()
    {
        var models = ModelProviders.Default.With("farm", new ProviderSettings { Kind = "openai-compatible", BaseUrl = "http://localhost:8000/v1", ApiKeyVariable = "FARM_KEY" }, _ => null);

        var error = Assert.Throws<ModelConfigurationException>(() => models.Resolve(new ModelSpec("qwen3", "farm")));

        Assert.Equal("'qwen3@farm' needs an API key: set the environment variable FARM_KEY (named by Providers:farm:ApiKeyVariable), or remove that setting if the server needs no key.", error.Message);
    }

    [Fact]
    public void Resolve_AnthropicKindWithItsDefaultKeyVariableUnset_SaysItIsTheDefault()
    {
        var models = ModelProviders.Default.With("claude", new ProviderSettings { Kind = "anthropic" }, _ => null);

        var error = Assert.Throws<ModelConfigurationException>(() => models.Resolve(new ModelSpec("claude-sonnet-4-5", "claude")));

        Assert.Equal("'claude-sonnet-4-5@claude' needs an API key: set the environment variable ANTHROPIC_API_KEY (the 'anthropic' kind's default; name another with Providers:claude:ApiKeyVariable).", error.Message);
    }

    [Fact]
    public async Task Run_KeyVariableSet_IsAnswered()
    {
        var models = ModelProviders.Default.With(
            "farm",
            new ProviderSettings { Kind = "openai-compatible", BaseUrl = _farm.BaseUri.ToString(), ApiKeyVariable = "FARM_KEY" },
            new Dictionary<string, string> { ["FARM_KEY"] = "sk-farm-secret-0123456789" }.GetValueOrDefault);

        var result = await (FromList(new[] { "sea" }, outputKey: "topic") | AskLLM("Poem about {topic}", "qwen3@farm", "poem") | ToList("poem"))
            .RunCheckedAsync(new RunOptions { Models = models }, TestRuns.Token);

        Assert.Equal(["Echo[qwen3]: Poem about sea"], result.Values<string>());
    }

    [Fact]
    public void WithKind_RegisteredFactory_MakesTheProviderForThatKind()
    {
        var models = ModelProviders.Default
            .WithKind("echo", (name, settings) => new OfflineProvider(name))
            .With("mine", new ProviderSettings { Kind = "echo" });

        Assert.Equal("mine", Assert.IsType<OfflineProvider>(models.Resolve(new ModelSpec("any", "mine"))).Name);
    }
}
