namespace BatchFactory.Tests.Architecture;

/// <summary>The folders of the library import one way only; these fail when a circle between folders comes back.</summary>
public sealed class LayeringTests
{
    [Fact]
    public void Library_EachFolderUsesOnlyTheFoldersBelowIt()
    {
        var library = FolderReferences.Library;
        Assert.True(library.Files > 100, $"Read only {library.Files} files of {SourceTree.Library}.");
        Assert.True(library.BindingErrors.Count == 0, "The sources did not compile, so uses may be missed:\n" + string.Join("\n", library.BindingErrors.Take(20)));
        Assert.NotEmpty(library.References);

        var violations = Layers.Violations(library.References).Select(r => r.ToString()).ToList();

        Assert.True(violations.Count == 0, "Uses against the layers (see Architecture/Layers.cs and src/ARCHITECTURE.md):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Layers_AllowedDirectionsFormNoCircle()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);

        // Depth-first: a folder seen again while still open closes a circle.
        void Visit(string folder, Stack<string> path)
        {
            if (state.GetValueOrDefault(folder) == 2)
            {
                return;
            }

            Assert.True(state.GetValueOrDefault(folder) != 1, $"The allowed directions form a circle: {string.Join(" -> ", path.Reverse().Append(folder))}");
            state[folder] = 1;
            path.Push(folder);
            foreach (var next in Layers.MayUse.GetValueOrDefault(folder, []))
            {
                Visit(next, path);
            }

            path.Pop();
            state[folder] = 2;
        }

        foreach (var folder in Layers.MayUse.Keys)
        {
            Visit(folder, new Stack<string>());
        }
    }

    [Fact]
    public void Library_EveryTopLevelFolderHasAPlaceInTheLayers()
    {
        var folders = Directory.GetDirectories(SourceTree.Library).Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj")).ToList();
        var files = Directory.GetFiles(SourceTree.Library, "*.cs");

        Assert.Empty(files);
        Assert.DoesNotContain(folders, f => !Layers.MayUse.ContainsKey(f!));
    }

    [Fact]
    public void Library_EveryTypeIsDeclaredInOneFolder()
    {
        var split = FolderReferences.Library.TypeFolders.Where(t => t.Value.Count > 1).Select(t => $"{t.Key}: {string.Join(", ", t.Value)}");

        Assert.Empty(split);
    }

    // Each of the references that once ran back up, put back as a file in its folder; the layers must refuse it.
    [Theory]
    [InlineData("Entries/PutBack.cs", "static object Of(BatchFactory.Engine.RunContext run) => run;", "Engine")]
    [InlineData("Graphs/PutBack.cs", "static object Of(BatchFactory.Engine.OpContext context) => context;", "Engine")]
    [InlineData("Graphs/PutBack.cs", "static BatchFactory.Engine.OpBlocks? Of() => null;", "Engine")]
    [InlineData("Engine/PutBack.cs", "static bool Of(Op op) => op is BatchFactory.Operators.LoopHeadOp;", "Ops")]
    [InlineData("Engine/PutBack.cs", "static bool Of(Op op) => op is BatchFactory.Operators.CallLLMOp;", "Ops")]
    [InlineData("Brokers/PutBack.cs", "static object Of(BatchFactory.Engine.OpContext context) => context;", "Engine")]
    [InlineData("Brokers/PutBack.cs", "static object Of() => BatchFactory.Operators.ModelCall.Site(null!);", "Ops")]
    [InlineData("Brokers/PutBack.cs", "static object Of(BatchFactory.Engine.Telemetry.RunTelemetry telemetry) => telemetry;", "Engine")]
    [InlineData("Logging/PutBack.cs", "static string Of() => OpenAIProvider.ApiKeyVariable;", "Brokers")]
    [InlineData("Events/PutBack.cs", "static object Of(BatchFactory.Engine.OpContext context) => context;", "Engine")]
    [InlineData("Events/PutBack.cs", "static object Of(RunOptions options) => options;", "Engine")]
    [InlineData("Reporting/PutBack.cs", "static object Of(RunOptions options) => options;", "Engine")]
    [InlineData("Ledgers/PutBack.cs", "static object Of(ProjectFolder project) => project;", "Projects")]
    [InlineData("Entries/PutBack.cs", "static object Of(Op a, Op b) => a | b;", "Graphs")]
    [InlineData("Ledgers/PutBack.cs", "static object Of(BatchFactory.ProjectFolder p) => p[\"x\"];", "Projects")]
    public void BackReference_PutBack_IsRefused(string path, string member, string usedFolder)
    {
        var text = $"namespace BatchFactory;\n\ninternal static class PutBack\n{{\n    {member}\n}}\n";

        var uses = FolderReferences.Library.Of(path, text);

        var from = FolderReferences.FolderOf(path);
        Assert.Contains(uses, r => r.To == usedFolder);
        Assert.Contains(Layers.Violations(uses), r => r.From == from && r.To == usedFolder);
    }
}
