namespace BatchFactory.Demos;

/// <summary>Finds the inputs in the repository's <c>demo_data/</c> folder.</summary>
public static class DemoData
{
    /// <summary>Finds a file in demo_data/ by walking up from the working directory, then from the program's folder.</summary>
    /// <param name="name">The file name, e.g. <c>topics.md</c>.</param>
    /// <returns>The file's full path.</returns>
    /// <exception cref="FileNotFoundException">No demo_data/ folder above holds the file.</exception>
    public static string Find(string name)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "demo_data", name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"Cannot find demo_data/{name}; run the demo from inside the repository.", name);
    }
}
