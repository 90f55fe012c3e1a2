using Microsoft.Extensions.Hosting;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// Replaces the console lifetime, so a test server neither hooks Ctrl+C/SIGTERM of the host process nor prints.
/// </summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
