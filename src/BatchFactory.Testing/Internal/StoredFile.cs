namespace BatchFactory.Testing.Internal;

/// <summary>
/// A file the test server holds: its content in memory (<see cref="Content"/>) or on disk (<see cref="Path"/>, with
/// <see cref="TestServerOptions.BatchFilesOnDisk"/>), and its metadata.
/// </summary>
internal sealed record StoredFile(string Name, string Purpose, DateTimeOffset Created, long Length, byte[]? Content, string? Path)
{
    /// <summary>Reads the content from the start.</summary>
    public Stream OpenRead() => Content is not null
        ? new MemoryStream(Content, writable: false)
        : new FileStream(Path!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
}
