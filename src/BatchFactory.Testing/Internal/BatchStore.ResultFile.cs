using System.Buffers;

namespace BatchFactory.Testing.Internal;

/// <summary>The output and error files a finished batch writes.</summary>
internal sealed partial class BatchStore
{
    /// <summary>
    /// An output or error file being written: lines go to <see cref="Buffer"/>; with files on disk, <see cref="Spill"/>
    /// moves what it holds to the file once it passes 64 KB. <see cref="Keep"/> adds the file to the store.
    /// </summary>
    private sealed class ResultFile(BatchStore store, string name) : IDisposable
    {
        private const int SpillAt = 1 << 16;
        private FileStream? _file;
        private string? _id;
        private string? _path;
        private long _spilled;
        private bool _kept;

        public ArrayBufferWriter<byte> Buffer { get; } = new();

        /// <summary>Bytes written so far.</summary>
        public long Length => _spilled + Buffer.WrittenCount;

        public void Spill()
        {
            if (store._folder is null || Buffer.WrittenCount < SpillAt)
            {
                return;
            }

            WriteOut();
        }

        public string Keep()
        {
            _kept = true;
            var created = store.Now;
            if (store._folder is null)
            {
                return store.Add(store.NewId(), new StoredFile(name, "batch_output", created, Buffer.WrittenCount, Buffer.WrittenSpan.ToArray(), null));
            }

            WriteOut();
            _file!.Dispose();
            return store.Add(_id!, new StoredFile(name, "batch_output", created, _spilled, null, _path));
        }

        public void Dispose()
        {
            _file?.Dispose();
            if (!_kept && _path is not null)
            {
                System.IO.File.Delete(_path);
            }
        }

        // Moves what the buffer holds to the file, made on first use.
        private void WriteOut()
        {
            if (_file is null)
            {
                (_id, _path) = store.NewPath();
                _file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            }

            _file.Write(Buffer.WrittenSpan);
            _spilled += Buffer.WrittenCount;
            Buffer.ResetWrittenCount();
        }
    }
}
