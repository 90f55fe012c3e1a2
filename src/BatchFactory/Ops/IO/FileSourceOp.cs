using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>A source that reads one file (or a folder) lazily; the file must exist when the run starts.</summary>
internal abstract class FileSourceOp : SourceOp
{
    private readonly bool _isFolder;

    protected FileSourceOp(string kind, string path, string? idxKey, bool isFolder = false)
        : base(kind)
    {
        Path = FileChecks.Path(path, kind, nameof(path));
        IdxKey = idxKey is { Length: 0 } ? throw new ArgumentException($"{kind}: idxKey must not be empty; pass null to derive each idx from the content.", nameof(idxKey)) : idxKey;
        _isFolder = isFolder;
    }

    /// <summary>The file or folder read, as given.</summary>
    protected string Path { get; }

    /// <summary>The field each entry's idx comes from, or <see langword="null"/> for an idx derived from the content.</summary>
    protected string? IdxKey { get; }

    internal override ValueTask PrepareAsync(OpContext context)
    {
        if (_isFolder)
        {
            FileChecks.FolderExists(Kind, Path);
        }
        else
        {
            FileChecks.FileExists(Kind, Path);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Fails the run with <paramref name="error"/>, or with <see cref="BadRows.Skip"/> counts the row as dropped so the caller skips it.</summary>
    protected static void OnBadRow(BadRows policy, OpContext context, InputFileException error)
    {
        if (policy == BadRows.Fail)
        {
            throw error;
        }

        context.Counters.AddDropped();
    }

    private protected override string Describe() => IdxKey is null ? Path : $"{Path}, idx from {IdxKey}";
}
