using BatchFactory.Tests.Support;
using Microsoft.Extensions.AI;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Providers;

public sealed class KeyRedactionTests : IDisposable
{
    private const string Key = "sk-given-not-from-the-environment-1234";
    private const string OpenAIKey = "sk-openai-from-the-environment-5678";
    private const string AzureKey = "azure-from-the-environment-9012";
    private const string AnthropicKey = "sk-ant-from-the-environment-3456";
    private const string FarmKey = "farm-from-the-named-variable-7890";
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>A user-written provider given its key by the caller, declaring it, whose client fails with a message quoting the key.</summary>
    private sealed class LeakyProvider : IModelProvider, IHoldsSecrets
    {
        public string Name => "leaky";

        public IEnumerable<string> Secrets => [Key];

        public void Validate(string model)
        {
        }

        public IChatClient CreateChatClient(string model) =>
            new FakeChatClient { Answer = (_, _) => throw new InvalidOperationException($"401: key {Key} was refused") };

        public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) => throw new NotSupportedException();
    }

    [Fact]
    public async Task AFailedCallsErrorInTheEntryAndTheLedger_NeverHoldsAKeyTheProviderWasGiven()
    {
        await using var project = ProjectFolder.Open("keys", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        var g = FromList(["a"], outputKey: "t") | AskLLM("Q {t}", "m@leaky", "answer", new AskOptions { OnFailure = OnCallFailure.Emit }) | OutputEntries();

        var result = await g.RunCheckedAsync(new RunOptions { Project = project, Models = ModelProviders.Default.With(new LeakyProvider()), Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);

        var error = Assert.Single(result.Entries).Get<string>("error");
        Assert.Contains("401: key *** was refused", error);
        await project.DisposeAsync();
        var files = string.Concat(Directory.GetFiles(_data.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Contains("#failed", files);
        Assert.DoesNotContain(Key, files);
        Assert.DoesNotContain(Key, result.Summary.ToString());
    }

    [Fact]
    public async Task Summary_FailureOfAUserWrittenProviderThatDeclaresItsKey_ListsTheFailureWithTheKeyMasked()
    {
        var g = FromList(["a"], outputKey: "t") | AskLLM("Q {t}", "m@leaky", "answer", new AskOptions { OnFailure = OnCallFailure.Emit }) | OutputEntries();

        var result = await g.RunCheckedAsync(new RunOptions { Models = ModelProviders.Default.With(new LeakyProvider()), Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);

        var failure = Assert.Single(result.Summary.Failures);
        Assert.Contains("401: key *** was refused", failure.Error);
        Assert.Contains("401: key *** was refused", result.Summary.Format());
        Assert.DoesNotContain(Key, result.Summary.Format());
    }

    [Fact]
    public async Task Summary_FailureOfAClientRegisteredWithItsKey_ListsTheFailureWithTheKeyMasked()
    {
        var models = ModelProviders.Default.WithChatClient(
            "mine",
            _ => new FakeChatClient { Answer = (_, _) => throw new InvalidOperationException($"401: key {Key} was refused") },
            secrets: [Key]);
        var g = FromList(["a"], outputKey: "t") | AskLLM("Q {t}", "m@mine", "answer", new AskOptions { OnFailure = OnCallFailure.Emit }) | OutputEntries();

        var result = await g.RunCheckedAsync(new RunOptions { Models = models, Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);

        Assert.Contains("401: key *** was refused", Assert.Single(result.Entries).Get<string>("error"));
        Assert.Contains("401: key *** was refused", result.Summary.Format());
        Assert.DoesNotContain(Key, result.Summary.Format());
    }

    [Fact]
    public async Task Run_KeysInOpenAIAzureAnthropicAndNamedProvidersVariables_AreMaskedEvenWhereAnotherProviderQuotesThem()
    {
        Func<string, string?> environment = name => name switch
        {
            OpenAIProvider.ApiKeyVariable => OpenAIKey,
            AzureOpenAIProvider.ApiKeyVariable => AzureKey,
            AnthropicProvider.ApiKeyVariable => AnthropicKey,
            "FARM_KEY" => FarmKey,
            _ => null,
        };
        var models = ModelProviders.Default
            .With(new OpenAIProvider(environment))
            .With(new AzureOpenAIProvider(environment))
            .With(new AnthropicProvider(environment))
            .With("farm", new ProviderSettings { Kind = "openai-compatible", BaseUrl = "http://localhost:8000/v1", ApiKeyVariable = "FARM_KEY" }, environment)
            .WithChatClient("quoting", _ => new FakeChatClient { Answer = (_, _) => throw new InvalidOperationException($"refused {OpenAIKey} and {AzureKey} and {AnthropicKey} and {FarmKey}") });
        await using var project = ProjectFolder.Open("keys", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        var g = FromList(["a"], outputKey: "t") | AskLLM("Q {t}", "m@quoting", "answer", new AskOptions { OnFailure = OnCallFailure.Emit }) | OutputEntries();

        var result = await g.RunCheckedAsync(new RunOptions { Project = project, Models = models, Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);

        Assert.Contains("refused *** and *** and *** and ***", Assert.Single(result.Entries).Get<string>("error"));
        await project.DisposeAsync();
        var written = string.Concat(Directory.GetFiles(_data.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText)) + result.Summary.Format();
        Assert.DoesNotContain(OpenAIKey, written);
        Assert.DoesNotContain(AzureKey, written);
        Assert.DoesNotContain(AnthropicKey, written);
        Assert.DoesNotContain(FarmKey, written);
    }

    [Fact]
    public void Secrets_BuiltInProviders_DeclareTheKeysInTheirVariablesAndNothingWhenUnset()
    {
        Func<string, string?> set = name => name is OpenAIProvider.ApiKeyVariable ? OpenAIKey : name is AzureOpenAIProvider.ApiKeyVariable ? AzureKey : null;

        var declared = ModelProviders.Default.With(new OpenAIProvider(set)).With(new AzureOpenAIProvider(set)).Secrets;
        var unset = ModelProviders.Default.With(new OpenAIProvider(_ => null)).With(new AzureOpenAIProvider(_ => null)).Secrets;

        Assert.Equal([AzureKey, OpenAIKey], declared.Order(StringComparer.Ordinal));
        Assert.Empty(unset);
    }
}
