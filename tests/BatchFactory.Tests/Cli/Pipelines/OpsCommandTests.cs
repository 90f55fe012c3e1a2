namespace BatchFactory.Tests.Cli.Pipelines;

public sealed class OpsCommandTests
{
    [Fact]
    public async Task Ops_ListsEveryOpOfTheCatalogueUnderItsFamily()
    {
        var (code, output) = await CliRun.RunAsync("ops");

        Assert.Equal(0, code);
        Assert.All(OpCatalog.All, op => Assert.Contains($"  {op.Name}(", output));
        Assert.All(OpCatalog.All.Select(op => op.Family).Distinct(), family => Assert.Contains($"\n{family}\n", "\n" + output));
        Assert.Contains("CollectField(keys?) [C# only]", output);
    }

    [Fact]
    public async Task Ops_Name_DescribesEachParameterWithItsTypeDefaultAndValues()
    {
        var (code, output) = await CliRun.RunAsync("ops", "AskLLM");

        Assert.Equal(0, code);
        Assert.StartsWith("AskLLM (Llm): ", output, StringComparison.Ordinal);
        Assert.Matches(@"\n  model +model, required: ", output);
        Assert.Matches(@"\n  outputKey +string, default response: ", output);
        Assert.Matches(@"\n  mode +string, default Live; one of Live, Batch, Auto: ", output);
        Assert.Matches(@"\n  invalidMessage +string, default 'The answer does not satisfy: \{condition\}.': ", output);
    }

    [Fact]
    public async Task Ops_UnknownName_Exits2SuggestingOpsThatContainIt()
    {
        var (code, output) = await CliRun.RunAsync("ops", "askllm");

        Assert.Equal(2, code);
        Assert.Contains("there is no op 'askllm' (names are case-sensitive); did you mean 'AskLLM'?", output);
    }
}
