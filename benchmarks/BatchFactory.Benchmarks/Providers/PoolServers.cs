using System.Diagnostics;
using System.Globalization;
using BatchFactory.Testing;

namespace BatchFactory.Benchmarks.Providers;

/// <summary>
/// The providers harness's loopback servers: by default in a child process of this program (<c>--pool-servers N MS</c>),
/// as a real pool's servers are processes of their own, so the harness's process holds only the client's threads, heap
/// and GC pauses; with <c>--servers in-process</c> in the harness's process. The child answers one command a line on
/// its standard input: <c>reset</c> and <c>counts</c> (chat requests per server); it ends when its input closes.
/// </summary>
internal sealed class PoolServers : IAsyncDisposable
{
    private readonly IReadOnlyList<OpenAICompatibleServer> _servers;
    private readonly Process? _child;

    private PoolServers(IReadOnlyList<OpenAICompatibleServer> servers, Process? child, IReadOnlyList<Uri> baseUris)
    {
        _servers = servers;
        _child = child;
        BaseUris = baseUris;
    }

    /// <summary>Each server's base address, in order.</summary>
    public IReadOnlyList<Uri> BaseUris { get; }

    /// <summary>Whether the servers run in a child process.</summary>
    public bool InChild => _child is not null;

    /// <summary>The CPU time the servers' process has used so far, or zero when they run in this process.</summary>
    public TimeSpan ChildCpu
    {
        get
        {
            if (_child is null)
            {
                return TimeSpan.Zero;
            }

            _child.Refresh();
            return _child.TotalProcessorTime;
        }
    }

    public static async Task<PoolServers> StartAsync(int count, int latencyMs, bool inProcess)
    {
        if (inProcess)
        {
            var servers = new List<OpenAICompatibleServer>();
            for (var i = 0; i < count; i++)
            {
                servers.Add(await OpenAICompatibleServer.StartAsync(Options(latencyMs)));
            }

            return new PoolServers(servers, null, [.. servers.Select(s => s.BaseUri)]);
        }

        var child = ChildProcess.Start(["--pool-servers", count.ToString(CultureInfo.InvariantCulture), latencyMs.ToString(CultureInfo.InvariantCulture)]);
        try
        {
            var urls = await ChildProcess.ExpectAsync(child, "URLS ");
            return new PoolServers([], child, [.. urls.Split(' ').Skip(1).Select(u => new Uri(u))]);
        }
        catch
        {
            child.Kill(entireProcessTree: true);
            child.Dispose();
            throw;
        }
    }

    /// <summary>The child's side (<c>--pool-servers N MS</c>): serves until its standard input closes.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var at = Array.IndexOf(args, "--pool-servers");
        var count = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
        var latencyMs = int.Parse(args[at + 2], CultureInfo.InvariantCulture);
        var servers = new List<OpenAICompatibleServer>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                servers.Add(await OpenAICompatibleServer.StartAsync(Options(latencyMs)));
            }

            Console.WriteLine($"URLS {string.Join(' ', servers.Select(s => s.BaseUri))}");
            while (await Console.In.ReadLineAsync() is { } command)
            {
                if (command == "reset")
                {
                    servers.ForEach(s => s.Reset());
                    Console.WriteLine("OK");
                }
                else if (command == "counts")
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"COUNTS {string.Join(' ', servers.Select(s => s.ChatRequests))}"));
                }
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }

        return 0;
    }

    public async Task ResetAsync()
    {
        if (_child is null)
        {
            foreach (var server in _servers)
            {
                server.Reset();
            }

            return;
        }

        await _child.StandardInput.WriteLineAsync("reset");
        await ChildProcess.ExpectAsync(_child, "OK");
    }

    /// <summary>The chat requests each server has answered since its last reset.</summary>
    public async Task<long[]> ChatRequestsAsync()
    {
        if (_child is null)
        {
            return [.. _servers.Select(s => s.ChatRequests)];
        }

        await _child.StandardInput.WriteLineAsync("counts");
        return [.. (await ChildProcess.ExpectAsync(_child, "COUNTS ")).Split(' ').Skip(1).Select(c => long.Parse(c, CultureInfo.InvariantCulture))];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        if (_child is { } child)
        {
            try
            {
                child.StandardInput.Close();
                await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is IOException or TimeoutException)
            {
                // The child died already (its input pipe is broken) or hangs: it is killed.
                child.Kill(entireProcessTree: true);
            }

            child.Dispose();
        }
    }

    private static TestServerOptions Options(int latencyMs) => new() { Latency = TimeSpan.FromMilliseconds(latencyMs), MaxRecordedRequests = 0 };
}
