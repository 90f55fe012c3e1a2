using System.Text.RegularExpressions;
using BatchFactory.Tests.Architecture;

namespace BatchFactory.Tests.Pipelines;

/// <summary>The YAML examples of the README's "Pipelines as YAML" load as written, so the documentation cannot rot.</summary>
public sealed partial class ReadmeExampleTests : IAsyncDisposable
{
    private readonly PipelineFiles _files = new();

    public ValueTask DisposeAsync() => _files.DisposeAsync();

    [Fact]
    public void PipelinesAsYaml_ThePipelineExample_Loads()
    {
        var pipeline = _files.Load(Examples()[0], "model=gpt-4o-mini@openai");

        Assert.Equal(("quickstart", "1"), (pipeline.Name, pipeline.Version));
        Assert.Equal(["gpt-4o-mini@openai"], pipeline.Models);
    }

    [Fact]
    public void PipelinesAsYaml_TheTypesExample_MakesItsTypes()
    {
        var types = Examples()[1];

        var pipeline = _files.Load(types + """
            graph:
              - FromList: { items: [sea], outputKey: topic }
              - AskLLM: { prompt: "Questions about {topic}", model: gpt-4o-mini@offline, type: "list[QA]", outputKey: qa }
              - AskLLM: { prompt: "Rate {qa}", model: gpt-4o-mini@offline, type: Rating, outputKey: rating }
            """);

        Assert.Equal(["gpt-4o-mini@offline"], pipeline.Models);
    }

    // The yaml code blocks of the section, in order, without their indentation.
    private static string[] Examples()
    {
        var readme = File.ReadAllText(Path.Combine(SourceTree.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("### Pipelines as YAML\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README has no section 'Pipelines as YAML'.");
        var section = readme[start..readme.IndexOf("\n## ", start, StringComparison.Ordinal)];
        return YamlBlock().Matches(section).Select(m => Regex.Replace(m.Groups["body"].Value, $"^{m.Groups["indent"].Value}", string.Empty, RegexOptions.Multiline)).ToArray();
    }

    [GeneratedRegex(@"^(?<indent> *)```yaml\n(?<body>.*?)^\k<indent>```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
