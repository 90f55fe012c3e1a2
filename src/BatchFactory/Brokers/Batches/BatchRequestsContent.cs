using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace BatchFactory.Brokers;

/// <summary>
/// A message batch's create body, <c>{"requests":[…]}</c>, streamed from a batch file of JSONL request lines as it is
/// sent: the lines joined by commas, a 64 KB buffer at a time, so a batch of up to 256 MB is never held in memory. Blank
/// lines and carriage returns are left out. Its length is counted when it is made, by reading the file once (a
/// sequential read of a file just written), so it goes with a <c>Content-Length</c>, not chunked, which some gateways
/// in front of a custom base URL refuse (411).
/// </summary>
internal sealed class BatchRequestsContent : HttpContent
{
    private const int BufferSize = 1 << 16;
    private static readonly byte[] Start = "{\"requests\":["u8.ToArray();
    private static readonly byte[] End = "]}"u8.ToArray();
    private readonly string _path;
    private readonly long _length;

    private BatchRequestsContent(string path, long length)
    {
        _path = path;
        _length = length;
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
    }

    /// <summary>The body of the batch file at <paramref name="path"/>, measured now and read when it is sent.</summary>
    /// <exception cref="IOException">The batch file cannot be read.</exception>
    public static async Task<BatchRequestsContent> OpenAsync(string path, CancellationToken cancellationToken)
    {
        long length = Start.Length + End.Length;
        await JoinAsync(
            path,
            (joined, _) =>
            {
                length += joined.Length;
                return ValueTask.CompletedTask;
            },
            cancellationToken).ConfigureAwait(false);
        return new BatchRequestsContent(path, length);
    }

    /// <inheritdoc/>
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <inheritdoc/>
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Start, cancellationToken).ConfigureAwait(false);
        await JoinAsync(_path, stream.WriteAsync, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(End, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    // Reads the file at path 64 KB at a time and hands what each read becomes (see LineJoiner) to write.
    private static async Task JoinAsync(string path, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        var input = ArrayPool<byte>.Shared.Rent(BufferSize);
        var output = ArrayPool<byte>.Shared.Rent(BufferSize + 1);
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (file.ConfigureAwait(false))
            {
                var joiner = default(LineJoiner);
                int read;
                while ((read = await file.ReadAsync(input.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await write(output.AsMemory(0, joiner.Join(input.AsSpan(0, read), output)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    // Turns the file's bytes, one read at a time, into the array's: each line's bytes without carriage returns, a comma
    // before every line with content but the first (due from where the line before ended, perhaps in an earlier read).
    private struct LineJoiner
    {
        private bool _inLine;
        private bool _commaDue;

        // Writes what input becomes into output (at least input's length + 1) and returns how many bytes that is.
        public int Join(ReadOnlySpan<byte> input, Span<byte> output)
        {
            var length = 0;
            var rest = input;
            while (!rest.IsEmpty)
            {
                var at = rest.IndexOfAny((byte)'\n', (byte)'\r');
                var part = at < 0 ? rest : rest[..at];
                if (!part.IsEmpty)
                {
                    if (_commaDue)
                    {
                        output[length++] = (byte)',';
                        _commaDue = false;
                    }

                    part.CopyTo(output[length..]);
                    length += part.Length;
                    _inLine = true;
                }

                if (at < 0)
                {
                    break;
                }

                if (rest[at] == (byte)'\n' && _inLine)
                {
                    _commaDue = true;
                    _inLine = false;
                }

                rest = rest[(at + 1)..];
            }

            return length;
        }
    }
}
