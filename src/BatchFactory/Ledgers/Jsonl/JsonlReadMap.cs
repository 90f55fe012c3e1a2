using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace BatchFactory.Ledgers;

/// <summary>
/// A read-only memory map of the first <see cref="Length"/> bytes of a ledger file, so that looking up a record is a
/// memory copy instead of a read system call (which costs microseconds, more in sandboxes). Bytes past the map (records
/// appended since it was made) are read from the file as before. Only whole, settled records are ever under the map: the
/// file is never cut shorter than <see cref="Length"/> while the map exists.
/// </summary>
internal sealed class JsonlReadMap : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    private JsonlReadMap(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        Length = length;
    }

    /// <summary>How many bytes from the start of the file the map covers.</summary>
    public long Length { get; }

    /// <summary>Maps the first <paramref name="length"/> bytes of the file; <see langword="null"/> when there is nothing to map or the system refuses.</summary>
    public static JsonlReadMap? Create(SafeFileHandle handle, long length)
    {
        if (length <= 0)
        {
            return null;
        }

        MemoryMappedFile? file = null;
        try
        {
            file = MemoryMappedFile.CreateFromFile(handle, mapName: null, length, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            return new JsonlReadMap(file, file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // Reading through the file still works, only slower.
            file?.Dispose();
            return null;
        }
    }

    /// <summary>Copies the bytes at <paramref name="offset"/> into <paramref name="destination"/> if the map covers them all.</summary>
    public bool TryRead(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > Length)
        {
            return false;
        }

        _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(offset + _view.PointerOffset), destination);
        return true;
    }

    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
    }
}
