namespace BatchFactory.Tests.Pipelines;

/// <summary>Each kind of mistake in a pipeline file fails the load naming the file, line and column and what was expected.</summary>
public sealed class PipelineFileErrorTests : IAsyncDisposable
{
    private readonly PipelineFiles _files = new();

    public ValueTask DisposeAsync() => _files.DisposeAsync();

    [Fact]
    public void Load_AnUnknownOp_NamesItsPlace_AndSuggestsTheNearestName()
    {
        var error = _files.Fails("""
            graph:
              - ReadJsonl: { path: in.jsonl }
              - TakeFirst: 3
            """);

        Assert.Equal((3, 5), (error.Line, error.Column));
        Assert.StartsWith($"{Path.Combine(_files.Folder, "pipeline.yaml")}:3:5: unknown op 'TakeFirst'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'TakeFirstN'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnUnknownArgument_NamesIt_AndListsTheOpsArguments()
    {
        var error = _files.Fails("""
            graph:
              - Shuffle:
                  seed: 1
                  sead: 2
            """);

        Assert.Equal((4, 7), (error.Line, error.Column));
        Assert.Contains("Shuffle has no argument 'sead'. Its arguments: seed.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AWrongType_NamesTheArgumentAndWhatWasExpected()
    {
        var error = _files.Fails("""
            graph:
              - TakeFirstN: { count: five }
            """);

        Assert.Equal((2, 26), (error.Line, error.Column));
        Assert.Contains("TakeFirstN's 'count' must be a whole number, not 'five'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AValueNotAmongTheAllowedOnes_ListsThem()
    {
        var error = _files.Fails("""
            graph:
              - CallLLM: { onFailure: Ignore }
            """);

        Assert.Equal((2, 27), (error.Line, error.Column));
        Assert.Contains("must be one of Stay, Retry, Emit, FailRun, not 'Ignore'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AMissingRequiredArgument_NamesTheOpAndTheArgument()
    {
        var error = _files.Fails("""
            graph:
              - AskLLM: { prompt: hi }
            """);

        Assert.Equal((2, 5), (error.Line, error.Column));
        Assert.Contains("AskLLM needs the argument 'model'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AMissingRequiredVar_NamesTheVar_AndSaysHowToGiveIt()
    {
        var error = _files.Fails("""
            vars:
              model: gpt-4o-mini@offline
              topics:
            graph:
              - ReadJsonl: { path: "${topics}" }
            """);

        Assert.Equal((3, 3), (error.Line, error.Column));
        Assert.Contains("the var 'topics' is required: give it with --set topics=value.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnUndeclaredVar_NamesItWhereItIsUsed()
    {
        var error = _files.Fails("""
            graph:
              - TakeFirstN: "${count}"
            """);

        Assert.Equal((2, 17), (error.Line, error.Column));
        Assert.Contains("there is no var 'count'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ABadTypeDeclaration_NamesTheTypeAndField()
    {
        var error = _files.Fails("""
            types:
              QA:
                question: str
                score: integr(1..5)
            graph:
              - Count
            """);

        Assert.Equal((4, 12), (error.Line, error.Column));
        Assert.Contains("type QA.score: 'integr' is not a type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnAnswerTypeNotDeclared_NamesIt()
    {
        var error = _files.Fails("""
            graph:
              - AskLLM:
                  prompt: hi
                  model: gpt-4o-mini@offline
                  type: list[Rating]
            """);

        Assert.Equal((5, 13), (error.Line, error.Column));
        Assert.Contains("'Rating' is not a type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_APromptFileThatDoesNotExist_NamesThePathAndPlace()
    {
        var error = _files.Fails("""
            graph:
              - AskLLM:
                  prompt: { file: prompts/missing.txt }
                  model: gpt-4o-mini@offline
            """);

        Assert.Equal((3, 23), (error.Line, error.Column));
        Assert.Contains("cannot read the prompt file", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing.txt' (it does not exist)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AConditionThatDoesNotParse_PointsAtTheCharacter()
    {
        var error = _files.Fails("""
            graph:
              - Filter: "score >= and x"
            """);

        Assert.Equal((2, 23), (error.Line, error.Column));
        Assert.Contains("Filter's 'predicate': 'and' needs a value before it (at character 10 of \"score >= and x\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnArgumentTheOpRejects_IsReportedAtTheArgument()
    {
        var error = _files.Fails("""
            graph:
              - AskLLM: { prompt: "unclosed {brace", model: gpt-4o-mini@offline }
            """);

        Assert.Equal(2, error.Line);
        Assert.Contains("AskLLM:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AModelWithoutProvider_FailsBeforeAnyRun()
    {
        var error = _files.Fails("""
            graph:
              - AskLLM: { prompt: hi, model: gpt-4o-mini }
            """);

        Assert.Equal(2, error.Line);
        Assert.Contains("AskLLM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidYaml_GivesTheParsersPlace()
    {
        var error = _files.Fails("""
            graph:
              - Count
             - Bad: [
            """);

        Assert.True(error.Line >= 2, error.Message);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnOpOnlyCSharpCanUse_SaysSo()
    {
        var error = _files.Fails("""
            graph:
              - Apply: {}
            """);

        Assert.Equal((2, 5), (error.Line, error.Column));
        Assert.Contains("Apply can only be used from C#", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnUnknownSection_ListsTheKnownOnes()
    {
        var error = _files.Fails("""
            graphs:
              - Count
            """);

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("'graphs' is not a pipeline section. Known: name, version", error.Message, StringComparison.Ordinal);
    }
}
