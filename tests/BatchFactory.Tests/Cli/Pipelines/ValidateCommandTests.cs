using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Cli.Pipelines;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Pipeline(string model)
    {
        var path = _folder["pipeline.yaml"];
        File.WriteAllText(path, $$"""
            name: checked
            vars:
              model: {{model}}
              tone: calm
            graph:
              - FromList: { items: [sea], outputKey: topic }
              - AskLLM: { prompt: "A ${tone} poem about {topic}.", model: "${model}" }
            """);
        return path;
    }

    [Fact]
    public async Task Validate_GoodPipeline_PrintsItsVarsAndResolvedModelsAndExits0()
    {
        var (code, output) = await CliRun.RunAsync("validate", Pipeline("gpt-4o-mini@offline"), "--set", "tone=stormy");

        Assert.Equal(0, code);
        Assert.Contains("pipeline checked version 1", output);
        Assert.Contains("var tone = stormy", output);
        Assert.Contains("gpt-4o-mini@offline: ok (offline)", output);
        Assert.Contains("Valid.", output);
        Assert.False(Directory.Exists(_folder["data"]));
    }

    [Fact]
    public async Task Validate_ModelOfAnUnknownProvider_Exits2NamingTheModel()
    {
        var (code, output) = await CliRun.RunAsync("validate", Pipeline("gpt-4o-mini@offline"), "--model", "qwen3@nowhere");

        Assert.Equal(2, code);
        Assert.Contains("qwen3@nowhere: The model 'qwen3@nowhere' names the provider 'nowhere', which is not registered", output);
        Assert.Contains("Not valid", output);
    }

    [Fact]
    public async Task Validate_WrongArgumentType_Exits2WithTheLoadersLineAndColumn()
    {
        var path = _folder["pipeline.yaml"];
        File.WriteAllText(path, """
            graph:
              - FromList: { items: [sea] }
              - TakeFirstN: { n: many }
            """);

        var (code, output) = await CliRun.RunAsync("validate", path);

        Assert.Equal(2, code);
        Assert.StartsWith($"error: {path}:3:", output, StringComparison.Ordinal);
    }
}
