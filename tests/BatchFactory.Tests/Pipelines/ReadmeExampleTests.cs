using System.Text.RegularExpressions;
using BatchFactory.Tests.Architecture;

namespace BatchFactory.Tests.Pipelines;

/// <summary>The YAML examples of the README's "Pipelines as YAML" load as written, so the documentation cannot rot.</summary>
public sealed partial class ReadmeExampleTests : IAsyncDisposable
{
    private readonly PipelineFiles _files = new();

    public ValueTask DisposeAsync() => _files.DisposeAsync();

    [Fact]
    public void PipelinesAsYaml_ThePipelineExample_LoadsAndIsTheQuickstartDemosGraph()
    {
        var example = Examples()[0];

        var pipeline = _files.Load(example, "model=gpt-4o-mini@openai");

        Assert.Equal(("quickstart", "1"), (pipeline.Name, pipeline.Version));
        Assert.Equal(["gpt-4o-mini@openai"], pipeline.Models);
        Assert.Equal(GraphLines(File.ReadAllText(Path.Combine(SourceTree.Root, "demos", "quickstart.yaml"))), GraphLines(example));
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

    // The lines from 'graph:' on, without end-of-line comments.
    private static string[] GraphLines(string yaml) =>
        [.. yaml.ReplaceLineEndings("\n").Split('\n').SkipWhile(l => l != "graph:").Select(l => Regex.Replace(l, @"\s+#.*$", string.Empty)).Where(l => l.Length > 0)];

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
