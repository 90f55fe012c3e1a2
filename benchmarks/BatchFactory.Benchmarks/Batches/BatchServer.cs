using System.Diagnostics;
using System.Globalization;
using BatchFactory.Testing;

namespace BatchFactory.Benchmarks.Batches;

/// <summary>
/// The batch harness's loopback server (batch processing time 0, files on disk, no requests recorded): in this process,
/// or with <c>--server-process</c> in a child process of this program (<c>--batch-server</c>), so that the process's
/// peak working set and heap are the library's alone. The child answers one command a line on its standard input:
/// <c>counts</c> (its work time in ticks, batches created, bytes of its files, chat requests) and <c>reset</c>; it
/// ends when its input closes.
/// </summary>
internal sealed class BatchServer : IAsyncDisposable
{
    private readonly OpenAICompatibleServer? _server;
    private readonly Process? _child;

    private BatchServer(OpenAICompatibleServer? server, Process? child, Uri baseUri)
    {
        _server = server;
        _child = child;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Whether the server runs in a child process.</summary>
    public bool InChild => _child is not null;

    public static async Task<BatchServer> StartAsync(bool childProcess)
    {
        if (!childProcess)
        {
            var server = await OpenAICompatibleServer.StartAsync(Options());
            return new BatchServer(server, null, server.BaseUri);
        }

        var child = ChildProcess.Start(["--batch-server"]);
        var url = await ChildProcess.ExpectAsync(child, "URL ");
        return new BatchServer(null, child, new Uri(url["URL ".Length..]));
    }

    /// <summary>The child's side (<c>--batch-server</c>): serves until its standard input closes.</summary>
    public static async Task<int> ServeAsync()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(Options());
        Console.WriteLine($"URL {server.BaseUri}");
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "reset")
            {
                server.Reset();
                Console.WriteLine("OK");
            }
            else if (command == "counts")
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"COUNTS {server.BatchWorkTime.Ticks} {server.BatchesCreated} {server.BatchFileBytes} {server.ChatRequests}"));
            }
        }

        return 0;
    }

    /// <summary>The server's time in its files and batches endpoints, batches created, bytes of its files, chat requests.</summary>
    public async Task<(TimeSpan Work, long Batches, long FileBytes, long Chat)> CountsAsync()
    {
        if (_server is { } server)
        {
            return (server.BatchWorkTime, server.BatchesCreated, server.BatchFileBytes, server.ChatRequests);
        }

        await _child!.StandardInput.WriteLineAsync("counts");
        var counts = (await ChildProcess.ExpectAsync(_child, "COUNTS ")).Split(' ').Skip(1).Select(c => long.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        return (TimeSpan.FromTicks(counts[0]), counts[1], counts[2], counts[3]);
    }

    public async Task ResetAsync()
    {
        if (_server is { } server)
        {
            server.Reset();
            return;
        }

        await _child!.StandardInput.WriteLineAsync("reset");
        await ChildProcess.ExpectAsync(_child, "OK");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_child is { } child)
        {
            child.StandardInput.Close();
            await child.WaitForExitAsync();
            child.Dispose();
        }
    }

    private static TestServerOptions Options() => new() { MaxRecordedRequests = 0, BatchFilesOnDisk = true };
}
