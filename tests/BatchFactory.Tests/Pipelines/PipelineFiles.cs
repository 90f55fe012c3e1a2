using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Pipelines;

/// <summary>Pipeline files written to a temp folder for a test, loaded and run offline in a project of their own.</summary>
public sealed class PipelineFiles : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private TempProject? _project;

    /// <summary>The folder the files are in.</summary>
    public string Folder => _folder.Path;

    /// <summary>The project folder runs use, once a run has opened it.</summary>
    public string? ProjectPath => _project?.Project.FullPath;

    /// <summary>Writes a file next to the pipelines (a prompt, an input).</summary>
    public string Write(string name, string text)
    {
        var path = _folder[name];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    /// <summary>Writes <paramref name="yaml"/> as a pipeline file and loads it.</summary>
    public PipelineFile Load(string yaml, params string[] sets) => PipelineFile.Load(Write("pipeline.yaml", yaml), sets);

    /// <summary>Loads a pipeline that must fail, and returns the error.</summary>
    public PipelineException Fails(string yaml, params string[] sets) => Assert.Throws<PipelineException>(() => Load(yaml, sets));

    /// <summary>Loads and runs a pipeline in this test's project (the same one on every call), checking it ends without failures.</summary>
    public async Task<RunResult> RunAsync(string yaml, params string[] sets)
    {
        var pipeline = Load(yaml, sets);
        _project ??= new TempProject();
        return await pipeline.Build(_project.Project).RunCheckedAsync(new RunOptions { Project = _project.Project }, TestRuns.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_project is not null)
        {
            await _project.DisposeAsync();
        }

        _folder.Dispose();
    }
}
