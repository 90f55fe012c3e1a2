namespace BatchFactory.Tests.Architecture;

/// <summary>Where the repository's sources are, found from the test's output folder (tests run in a clone).</summary>
internal static class SourceTree
{
    /// <summary>The repository's root folder (the one with BatchFactory.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of <c>src/BatchFactory</c>.</summary>
    public static string Library { get; } = Path.Combine(Root, "src", "BatchFactory");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BatchFactory.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No BatchFactory.sln above '{AppContext.BaseDirectory}': the architecture tests read src/ and must run from a build inside the repository.");
    }
}
