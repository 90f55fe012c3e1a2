using System.Globalization;
using BatchFactory.Logging;
using Microsoft.Extensions.Logging;

namespace BatchFactory.Reporting;

/// <summary>Writes a run's summary to <c>runs/&lt;start time&gt;.summary.json</c> in its project folder.</summary>
internal static class SummaryFile
{
    /// <summary>
    /// Writes <paramref name="summary"/> under a name made from its start time (UTC, sortable; <c>-2</c>, <c>-3</c>… when
    /// runs started in the same millisecond). A summary that cannot be written is logged, not thrown: the run itself
    /// succeeded or failed on its own account.
    /// </summary>
    /// <returns>The file's path, or <see langword="null"/> when it could not be written.</returns>
    public static async Task<string?> WriteAsync(ProjectFolder project, RunSummary summary, ILogger logger)
    {
        var stem = summary.StartedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture);
        var path = project[$"runs/{stem}.summary.json"];
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            for (var n = 2; ; n++)
            {
                try
                {
                    var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                    await using (stream.ConfigureAwait(false))
                    {
                        var writer = new StreamWriter(stream);
                        await using (writer.ConfigureAwait(false))
                        {
                            await writer.WriteAsync(summary.ToJson()).ConfigureAwait(false);
                        }
                    }

                    RunLog.SummaryWritten(logger, path);
                    return path;
                }
                catch (IOException) when (File.Exists(path))
                {
                    path = project[$"runs/{stem}-{n}.summary.json"];
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            RunLog.SummaryNotWritten(logger, path, ex.Message);
            return null;
        }
    }
}
