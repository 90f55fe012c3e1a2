namespace BatchFactory.Tests.Support;

/// <summary>
/// Passes writes through to an inner stream until <see cref="FailAfterBytes"/> bytes have gone through, then writes
/// part of the next write and throws the way a full disk does.
/// </summary>
public sealed class FailingStream(Stream inner) : Stream
{
    private long _written;

    public long FailAfterBytes { get; set; } = long.MaxValue;

    public override bool CanRead => false;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > FailAfterBytes)
        {
            var part = (int)Math.Max(0, FailAfterBytes - _written);
            inner.Write(buffer[..(part + (buffer.Length - part) / 2)]);
            inner.Flush();
            throw new IOException("No space left on device");
        }

        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => inner.SetLength(value);
}
