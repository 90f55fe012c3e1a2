using BatchFactory.Cli;

namespace BatchFactory.Tests.Cli;

/// <summary>Runs a <c>batchfactory</c> command in-process and keeps what it printed.</summary>
internal static class CliRun
{
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(args, output, TestContext.Current.CancellationToken);
        return (code, output.ToString());
    }
}
