namespace BatchFactory.Cli;

/// <summary>An open ledger and, for a PostgreSQL one, the project that opened it; disposing closes both.</summary>
/// <param name="Ledger">The ledger.</param>
/// <param name="Project">The project folder that owns it, or <see langword="null"/> for a ledger file opened on its own.</param>
internal sealed record OpenLedger(ILedger Ledger, ProjectFolder? Project = null) : IAsyncDisposable
{
    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Project is null)
        {
            await Ledger.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await Project.DisposeAsync().ConfigureAwait(false);
        }
    }
}
