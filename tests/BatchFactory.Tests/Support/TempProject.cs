namespace BatchFactory.Tests.Support;

/// <summary>A project folder in a fresh temp folder; disposing closes the project and deletes the folder.</summary>
public sealed class TempProject : IAsyncDisposable
{
    private readonly TempFolder _folder = new();

    public TempProject(string name = "test") =>
        Project = ProjectFolder.Open(name, "1", new ProjectFolderOptions { DataDirectory = _folder.Path });

    public ProjectFolder Project { get; }

    public async ValueTask DisposeAsync()
    {
        await Project.DisposeAsync();
        _folder.Dispose();
    }
}
