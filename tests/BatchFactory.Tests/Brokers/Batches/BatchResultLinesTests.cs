using System.Text;
using BatchFactory.Brokers;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>Result files are read a buffer at a time as they download, never held whole.</summary>
public sealed class BatchResultLinesTests
{
    [Fact]
    public async Task ReadAsync_LargeFile_HandsEachLineOverBeforeReadingFarAhead()
    {
        // 200,000 lines (about 9 MB) from a stream that makes them as it is read.
        var source = new LineStream(200_000);
        var handled = 0;
        long mostAhead = 0;

        await BatchResultLines.ReadAsync(source, line =>
        {
            Assert.Equal(LineStream.Line(handled), Encoding.UTF8.GetString(line));
            handled++;
            mostAhead = Math.Max(mostAhead, source.Produced - source.BytesOfLines(handled));
        }, TestContext.Current.CancellationToken);

        Assert.Equal(200_000, handled);
        Assert.True(source.Produced > 8_000_000, $"{source.Produced} bytes read");
        Assert.True(mostAhead <= 1 << 17, $"read {mostAhead:N0} bytes ahead of the lines handed over");
    }

    [Fact]
    public async Task ReadAsync_CrLfBlankAndUnterminatedLines_HandsOverTheLinesOnly()
    {
        var lines = await ReadAllAsync("{\"a\":1}\r\n\r\n\n{\"b\":2}\n{\"c\":3}");

        Assert.Equal(["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"], lines);
    }

    [Fact]
    public async Task ReadAsync_LineLongerThanTheBuffer_IsHandedOverWhole()
    {
        var longLine = "{\"text\":\"" + new string('x', 300_000) + "\"}";

        var lines = await ReadAllAsync($"{longLine}\n{{\"next\":1}}\n");

        Assert.Equal([longLine, "{\"next\":1}"], lines);
    }

    private static async Task<List<string>> ReadAllAsync(string content)
    {
        var lines = new List<string>();
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await BatchResultLines.ReadAsync(stream, line => lines.Add(Encoding.UTF8.GetString(line)), TestContext.Current.CancellationToken);
        return lines;
    }

    // A read-only stream of numbered JSON lines, made as it is read, in small uneven reads as a network gives them.
    private sealed class LineStream(int lines) : Stream
    {
        private byte[] _pending = [];
        private int _offset;
        private int _next;
        private int _counted;
        private long _countedBytes;

        public long Produced { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Produced; set => throw new NotSupportedException(); }

        public static string Line(int number) => $"{{\"custom_id\":\"request-{number:D7}\",\"n\":{number}}}";

        /// <summary>The bytes of the first <paramref name="handed"/> lines, newlines included.</summary>
        public long BytesOfLines(int handed)
        {
            long total = 0;
            for (var i = _counted; i < handed; i++)
            {
                total += Encoding.UTF8.GetByteCount(Line(i)) + 1;
            }

            _countedBytes += total;
            _counted = handed;
            return _countedBytes;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var wanted = Math.Min(buffer.Length, 7_001);
            var written = 0;
            while (written < wanted)
            {
                if (_offset == _pending.Length)
                {
                    if (_next == lines)
                    {
                        break;
                    }

                    _pending = Encoding.UTF8.GetBytes(Line(_next++) + "\n");
                    _offset = 0;
                }

                var n = Math.Min(wanted - written, _pending.Length - _offset);
                _pending.AsSpan(_offset, n).CopyTo(buffer[written..]);
                _offset += n;
                written += n;
            }

            Produced += written;
            return written;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
