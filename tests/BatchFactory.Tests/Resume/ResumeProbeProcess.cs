using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace BatchFactory.Tests.Resume;

/// <summary>
/// One process of tests/BatchFactory.ResumeProbe, started with <c>dotnet &lt;probe dll&gt;</c>; killed on dispose if it
/// still runs.
/// </summary>
internal sealed class ResumeProbeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _console = new();

    private ResumeProbeProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the probe printed, for failure messages.</summary>
    public string Console
    {
        get
        {
            lock (_console)
            {
                return _console.Length == 0 ? "It printed nothing." : $"It printed:\n{_console}";
            }
        }
    }

    /// <summary>Starts the probe with <paramref name="arguments"/> and, on top of this process's environment, <paramref name="environment"/>.</summary>
    public static ResumeProbeProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(DotnetHost.ProbeAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var probe = new ResumeProbeProcess(Process.Start(start) ?? throw new InvalidOperationException($"'{DotnetHost.Path}' did not start."));
        probe._process.OutputDataReceived += (_, e) => probe.Print(e.Data);
        probe._process.ErrorDataReceived += (_, e) => probe.Print(e.Data);
        probe._process.BeginOutputReadLine();
        probe._process.BeginErrorReadLine();
        return probe;
    }

    /// <summary>SIGKILL (on Windows, TerminateProcess): the probe gets no chance to clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Signal(string signal)
    {
        if (PosixSignals.Send(_process.Id, signal) != 0)
        {
            Assert.Fail($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Waits until the probe exits and returns its exit code; fails the test if it takes longer than <paramref name="patience"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan patience, string after)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"The probe did not exit within {patience.TotalSeconds} s of {after}. {Console}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }

        _process.Dispose();
    }

    private void Print(string? line)
    {
        if (line is not null)
        {
            lock (_console)
            {
                _console.AppendLine(line);
            }
        }
    }

    /// <summary>Where the <c>dotnet</c> host and the probe's dll are.</summary>
    private static class DotnetHost
    {
        /// <summary>The <c>dotnet</c> of the runtime running these tests: its shared runtime folder is <c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;</c>.</summary>
        public static readonly string Path = FindHost();

        /// <summary>The probe's dll, whose path the test project's build records in an assembly attribute.</summary>
        public static string ProbeAssembly
        {
            get
            {
                var path = typeof(ResumeProbeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .FirstOrDefault(a => a.Key == "ResumeProbePath")?.Value;
                Assert.True(
                    !string.IsNullOrEmpty(path) && File.Exists(path),
                    $"The resume probe was not found at '{path}'. Build the solution (dotnet build BatchFactory.sln), which builds tests/BatchFactory.ResumeProbe.");
                return path;
            }
        }

        private static string FindHost()
        {
            var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
            var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            if (File.Exists(System.IO.Path.Combine(root, name)))
            {
                return System.IO.Path.Combine(root, name);
            }

            return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : name;
        }
    }
}

/// <summary>POSIX signals, sent with libc's <c>kill</c>.</summary>
internal static class PosixSignals
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal) { ["SIGINT"] = 2, ["SIGTERM"] = 15 };

    public static int Send(int pid, string signal) => Kill(pid, Numbers[signal]);

    /// <summary>Skips the test where <paramref name="signal"/> cannot reach a child process started from it.</summary>
    public static void SkipUnlessDeliverable(string signal)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Sends POSIX signals with libc kill() and reads /proc.");
        Assert.SkipWhen(
            IgnoredByThisProcess(signal),
            $"This test process ignores {signal} (started in the background by a non-interactive shell?), and the probe would inherit that.");
    }

    /// <summary>Whether this process ignores <paramref name="signal"/> (Linux: the <c>SigIgn</c> mask in /proc/self/status); children inherit that.</summary>
    public static bool IgnoredByThisProcess(string signal)
    {
        var mask = File.ReadLines("/proc/self/status").FirstOrDefault(line => line.StartsWith("SigIgn:", StringComparison.Ordinal));
        return mask is not null && (ulong.Parse(mask["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (Numbers[signal] - 1))) != 0;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>Reading files another process may be appending to.</summary>
internal static class GrowingFile
{
    /// <summary>The complete lines of <paramref name="path"/> (none if it does not exist), without a last line that has no newline yet.</summary>
    public static IEnumerable<string> CompleteLines(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
