namespace BatchFactory.Cli;

/// <summary>Runs a command's work, printing a <see cref="CliException"/> as <c>error: …</c> with exit code 2.</summary>
internal static class CliAction
{
    /// <summary>Runs <paramref name="work"/> and returns its exit code, or <see cref="ExitCodes.BadInput"/> after printing its <see cref="CliException"/>.</summary>
    public static async Task<int> RunAsync(TextWriter output, Func<Task<int>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
    }
}
