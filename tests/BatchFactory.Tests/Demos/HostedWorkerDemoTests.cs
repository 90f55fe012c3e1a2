using BatchFactory.Demos;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Demos;

/// <summary>The HostedWorker demo runs a graph from a generic host with everything from appsettings.json and DI.</summary>
public sealed class HostedWorkerDemoTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task RunAsync_Twice_AnswersFivePoems_ThenServesThemFromTheConfiguredProject()
    {
        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Calls: 5 made, 0 served from the ledger, 0 failed", first.Output);
        Assert.Contains("Calls: 0 made, 5 served from the ledger, 0 failed", second.Output);
        Assert.True(Directory.Exists(Path.Combine(_data.Path, "hostedworker")), "the project folder named in appsettings.json is under the data directory");
    }

    [Fact]
    public async Task RunAsync_BadSettingOnTheCommandLine_ExitsWith2NamingItsPath()
    {
        var (exitCode, output) = await RunAsync("--BatchFactory:Providers:local:BaseUrl=localhost:11434");

        Assert.Equal(2, exitCode);
        Assert.Contains("BatchFactory:Providers:local:BaseUrl is 'localhost:11434', which is not an absolute http(s) URL", output);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exitCode = await HostedWorkerDemo.RunAsync([$"--BatchFactory:Project:DataDirectory={_data.Path}", .. args], output, TestRuns.Token);
        return (exitCode, output.ToString());
    }
}
