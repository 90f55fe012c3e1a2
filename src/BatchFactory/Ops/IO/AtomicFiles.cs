namespace BatchFactory.Operators;

/// <summary>
/// Writes one or more files so that none is ever seen half-written: each is written to a temporary file in its own
/// folder and flushed to disk, and only <see cref="Commit"/> renames them over their targets. Disposing without a
/// commit (a failure or cancellation) deletes the temporary files and leaves the targets as they were.
/// </summary>
internal sealed class AtomicFiles : IDisposable
{
    private readonly List<(string Temp, string Target)> _pending = [];
    private readonly HashSet<string> _targets = new(FileChecks.Names);
    private bool _committed;

    /// <summary>Writes the future content of <paramref name="path"/> (creating its folder) to a temporary file beside it.</summary>
    /// <exception cref="InvalidOperationException">The same file is written twice in one batch.</exception>
    public async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(path);
        if (!_targets.Add(target))
        {
            throw new InvalidOperationException($"The file '{target}' would be written twice; give each output its own file name.");
        }

        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        _pending.Add((temp, target));
        await using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await write(stream, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Renames every temporary file over its target, unless <paramref name="cancellationToken"/> was cancelled first.</summary>
    public void Commit(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (temp, target) in _pending)
        {
            File.Move(temp, target, overwrite: true);
        }

        _committed = true;
    }

    /// <summary>Deletes the temporary files of an uncommitted batch.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        foreach (var (temp, _) in _pending)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover hidden .tmp file does no harm to the target.
            }
        }
    }
}
