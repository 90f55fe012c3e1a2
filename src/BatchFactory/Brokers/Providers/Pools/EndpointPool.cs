using BatchFactory.Brokers.Resilience;

namespace BatchFactory.Brokers.Pools;

/// <summary>
/// Client-side balancing over servers that serve the same models: each request goes to the endpoint in the pool with
/// the fewest requests outstanding, waiting for one of its slots; a connection error, timeout or 5xx takes that
/// endpoint out and sends the request to the next one, so no request is lost while another endpoint is in. An endpoint
/// out of the pool is probed (<c>GET &lt;url&gt;/models</c>; any HTTP answer below 500 counts) when a request comes
/// after its probe interval, and rejoins when it answers. The state is the provider's, shared by its runs and models.
/// </summary>
internal sealed class EndpointPool
{
    private static readonly HttpClient Probes = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly PoolEndpoint[] _endpoints;
    private readonly TimeSpan _probeInterval;
    private readonly TimeProvider _time;

    public EndpointPool(string name, IReadOnlyList<Uri> urls, int maxConcurrency, TimeSpan probeInterval, TimeProvider? time = null)
    {
        Name = name;
        _endpoints = [.. urls.Select(url => new PoolEndpoint(url, maxConcurrency))];
        _probeInterval = probeInterval;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The provider's name, for errors.</summary>
    public string Name { get; }

    /// <summary>The endpoints, in configuration order.</summary>
    public IReadOnlyList<PoolEndpoint> Endpoints => _endpoints;

    /// <summary>
    /// Sends <paramref name="call"/> (given the endpoint's index) to the least loaded endpoint in the pool, and on a
    /// provider fault to the next one, until one answers or none is left in.
    /// </summary>
    /// <exception cref="HttpRequestException">No endpoint is in the pool (the retries outside try again later).</exception>
    public async Task<T> SendAsync<T>(Func<int, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        Exception? last = null;
        while (true)
        {
            ProbeDue();
            var index = Pick();
            if (index < 0)
            {
                throw new HttpRequestException($"Every server of the pool '{Name}' is out after failing ({string.Join(", ", _endpoints.Select(e => e.Url))}); they rejoin when a health probe finds them answering.", last);
            }

            var endpoint = _endpoints[index];
            endpoint.Enter();
            try
            {
                await WaitForSlotAsync(endpoint, cancellationToken).ConfigureAwait(false);
                try
                {
                    return await call(index, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    endpoint.Slots.Release();
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ProviderFault.Of(ex).Kind == ProviderFaultKind.Unhealthy)
            {
                endpoint.TakeOut(_time.GetTimestamp() + Ticks(_probeInterval));
                last = ex;
            }
            finally
            {
                endpoint.Leave();
            }
        }
    }

    // The time waited for a slot is the request's queue time (OpenTelemetry's batchfactory.queue.wait).
    private async ValueTask WaitForSlotAsync(PoolEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (endpoint.Slots.Wait(0, CancellationToken.None))
        {
            return;
        }

        var started = _time.GetTimestamp();
        try
        {
            await endpoint.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CallScope.Current?.Queued(_time.GetElapsedTime(started));
        }
    }

    /// <summary>The index of the endpoint in the pool with the fewest requests outstanding (the first of equals), or -1.</summary>
    public int Pick()
    {
        var best = -1;
        for (var i = 0; i < _endpoints.Length; i++)
        {
            if (_endpoints[i].IsIn && (best < 0 || _endpoints[i].Outstanding < _endpoints[best].Outstanding))
            {
                best = i;
            }
        }

        return best;
    }

    private void ProbeDue()
    {
        var now = _time.GetTimestamp();
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.TryStartProbe(now))
            {
                _ = ProbeAsync(endpoint);
            }
        }
    }

    private async Task ProbeAsync(PoolEndpoint endpoint)
    {
        bool answered;
        try
        {
            using var response = await Probes.GetAsync(new Uri(endpoint.Url.ToString().TrimEnd('/') + "/models"), HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            answered = (int)response.StatusCode < 500;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            answered = false;
        }

        endpoint.ProbeEnded(answered, _time.GetTimestamp() + Ticks(_probeInterval));
    }

    private long Ticks(TimeSpan interval) => (long)(interval.TotalSeconds * _time.TimestampFrequency);
}
