namespace BatchFactory.Tests.Architecture;

/// <summary>The tests mirror src/ folder for folder, so the tests of a part are where its code is.</summary>
public sealed class TestLayoutTests
{
    // Suites about the whole product rather than one folder of it, and what the tests share.
    private static readonly string[] CrossCutting = ["Architecture", "Demos", "Resume", "Support"];

    // A test folder's first segment names the source project it mirrors; any other first segment is a folder of the library.
    private static readonly Dictionary<string, string> Projects = new(StringComparer.Ordinal)
    {
        ["Cli"] = "BatchFactory.Cli",
        ["Console"] = "BatchFactory.Console",
        ["Testing"] = "BatchFactory.Testing",
    };

    [Fact]
    public void TestFolders_EachMirrorsASourceFolder()
    {
        var tests = Path.Combine(SourceTree.Root, "tests", "BatchFactory.Tests");
        var folders = Directory.EnumerateDirectories(tests, "*", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(tests, d).Replace('\\', '/'))
            .Where(d => d.Split('/')[0] is not ("bin" or "obj") && !CrossCutting.Contains(d.Split('/')[0]))
            .ToList();

        var unmatched = folders.Where(folder => !Directory.Exists(SourceOf(folder))).ToList();

        Assert.NotEmpty(folders);
        Assert.True(unmatched.Count == 0, "Test folders with no source folder of that name (move them to mirror src/): " + string.Join(", ", unmatched));
    }

    private static string SourceOf(string folder)
    {
        var segments = folder.Split('/');
        return Projects.TryGetValue(segments[0], out var project)
            ? Path.Combine([SourceTree.Root, "src", project, .. segments[1..]])
            : Path.Combine([SourceTree.Library, .. segments]);
    }
}
