using System.Diagnostics;

namespace BatchFactory.Benchmarks;

/// <summary>This benchmark program started again as a child process, talked to over its standard input and output.</summary>
internal static class ChildProcess
{
    /// <summary>Starts this program with <paramref name="arguments"/>, its standard input and output redirected.</summary>
    public static Process Start(IEnumerable<string> arguments)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start a child process.");
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
}
