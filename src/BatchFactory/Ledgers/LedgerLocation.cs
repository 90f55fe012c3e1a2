namespace BatchFactory;

/// <summary>
/// Which ledger a <see cref="LedgerBackend"/> is asked to open: the ledger's <see cref="Name"/> within one version of one
/// project, and the <see cref="Folder"/> a file-based backend keeps it in. A project folder makes these for
/// its ledgers, with <see cref="Folder"/> its <c>ledgers/</c> folder, already checked to lie inside the project folder.
/// </summary>
public sealed class LedgerLocation : IEquatable<LedgerLocation>
{
    /// <summary>Creates the location of ledger <paramref name="name"/> of <paramref name="project"/> at <paramref name="version"/>.</summary>
    /// <param name="project">The project's name.</param>
    /// <param name="version">The project's version.</param>
    /// <param name="name">The ledger's name; one file name without folders (no <c>/</c>, <c>\</c>, <c>..</c>).</param>
    /// <param name="folder">The folder for the ledger's files; made absolute with <see cref="Path.GetFullPath(string)"/>. It need not exist yet.</param>
    /// <exception cref="ArgumentException">An argument is null or empty, or <paramref name="name"/> cannot name a file.</exception>
    public LedgerLocation(string project, string version, string name, string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(project);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (name is "." or ".." || name.IndexOfAny(['/', '\\']) >= 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"The ledger name '{name}' cannot name a file: give a name without folders, e.g. 'calls'.", nameof(name));
        }

        Project = project;
        Version = version;
        Name = name;
        Folder = Path.GetFullPath(folder);
    }

    /// <summary>The name of the project the ledger belongs to.</summary>
    public string Project { get; }

    /// <summary>The version of the project the ledger belongs to.</summary>
    public string Version { get; }

    /// <summary>The ledger's name, e.g. <c>llm</c> or <c>checkpoint-written</c>.</summary>
    public string Name { get; }

    /// <summary>The full path of the folder a file-based backend keeps the ledger in; a backend that is not file-based ignores it.</summary>
    public string Folder { get; }

    /// <summary>The full path of the ledger's file with <paramref name="extension"/>: <c>&lt;Folder&gt;/&lt;Name&gt;&lt;extension&gt;</c>.</summary>
    /// <param name="extension">The file name extension with its dot, e.g. <c>.jsonl</c>.</param>
    /// <exception cref="ArgumentException">The file is a symbolic link that leads outside <see cref="Folder"/>.</exception>
    public string FilePath(string extension) => Ledgers.SafePaths.Resolve(Folder, Name + extension);

    /// <inheritdoc/>
    public bool Equals(LedgerLocation? other) =>
        other is not null && Project == other.Project && Version == other.Version && Name == other.Name && Folder == other.Folder;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as LedgerLocation);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Project, Version, Name, Folder);

    /// <summary>The project, version and ledger name, e.g. <c>poems 1.0.0 llm</c>.</summary>
    public override string ToString() => $"{Project} {Version} {Name}";
}
