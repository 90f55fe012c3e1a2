using System.Diagnostics;

namespace BatchFactory.Benchmarks;

/// <summary>This benchmark program started again as a child process, talked to over its standard input and output.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Starts this program with <paramref name="arguments"/> (and the <paramref name="environment"/> variables set), its
    /// standard input and output redirected.
    /// </summary>
    public static Process Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = Self(arguments);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        (info.RedirectStandardInput, info.RedirectStandardOutput) = (true, true);
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start a child process.");
    }

    /// <summary>
    /// Runs this program again with <paramref name="arguments"/> and the <paramref name="environment"/> variables set
    /// (e.g. a GC setting, read only when a process starts), its output and errors going to this one's; returns its exit
    /// code. A child still running after an hour is killed.
    /// </summary>
    public static async Task<int> RunAgainAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = Self(arguments);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var child = Process.Start(info) ?? throw new InvalidOperationException("Could not start a child process.");
        try
        {
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromHours(1));
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }

        return child.ExitCode;
    }

    /// <summary>The child's next line starting with <paramref name="word"/>, skipping anything else it prints.</summary>
    public static async Task<string> ExpectAsync(Process process, string word)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(word, StringComparison.Ordinal))
            {
                return line;
            }
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        throw new InvalidOperationException($"A child process ended (exit code {process.ExitCode}) before saying '{word}'.");
    }

    // This program (through `dotnet` when it runs as a dll) with the arguments.
    private static ProcessStartInfo Self(IEnumerable<string> arguments)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }
}
