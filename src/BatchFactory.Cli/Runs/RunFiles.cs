using System.Globalization;
using System.Text.Json;

namespace BatchFactory.Cli;

/// <summary>Reads a project's run summaries (<c>runs/*.summary.json</c>) and picks one by number or name.</summary>
internal static class RunFiles
{
    private const string Pattern = "*.summary.json";

    /// <summary>Every run summary of the project folder <paramref name="project"/>, oldest first (the names sort by start time).</summary>
    /// <exception cref="CliException">The folder does not exist, has no runs, or a summary cannot be read (the message names the file).</exception>
    public static async Task<IReadOnlyList<RunFile>> ReadAllAsync(string project, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(project))
        {
            throw new CliException($"There is no project folder '{project}'. Give data/<project>/<version>, the folder its runs/ are in.");
        }

        var folder = Path.Combine(project, "runs");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, Pattern).Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0)
        {
            throw new CliException($"'{project}' has no runs yet: a run with this project folder writes runs/<start time>.summary.json.");
        }

        var runs = new List<RunFile>(files.Count);
        foreach (var file in files)
        {
            try
            {
                runs.Add(new RunFile(Path.GetFileName(file), RunSummary.FromJson(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false))));
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
            {
                throw new CliException($"{Path.GetRelativePath(Environment.CurrentDirectory, file)} is not a run summary: {ex.Message}", ex);
            }
        }

        return runs;
    }

    /// <summary>The run <paramref name="which"/> names: a number from 1 (the oldest), a negative number from the latest (-1), or a file name.</summary>
    /// <exception cref="CliException">No run is so named; the message says what there is.</exception>
    public static RunFile Pick(IReadOnlyList<RunFile> runs, string which)
    {
        if (int.TryParse(which, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            var index = number > 0 ? number - 1 : runs.Count + number;
            return number != 0 && index >= 0 && index < runs.Count ? runs[index]
                : throw new CliException(string.Create(CultureInfo.InvariantCulture, $"There is no run {which}: the project has {runs.Count} run(s), 1 to {runs.Count} (or -1 for the latest)."));
        }

        return runs.FirstOrDefault(r => r.Name == which || r.Name == which + ".summary.json")
            ?? throw new CliException($"There is no run '{which}': give its number in 'runs list' or a name such as {runs[^1].Name}.");
    }
}
