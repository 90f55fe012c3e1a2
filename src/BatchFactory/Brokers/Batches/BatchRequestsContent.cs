using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace BatchFactory.Brokers;

/// <summary>
/// A message batch's create body, <c>{"requests":[…]}</c>, streamed from a batch file of JSONL request lines as it is
/// sent: the lines joined by commas, a 64 KB buffer at a time, so a batch of up to 256 MB is never held in memory. Sent
/// without a length (chunked): the file is not read ahead to count it. Blank lines and carriage returns are left out.
/// </summary>
internal sealed class BatchRequestsContent : HttpContent
{
    private const int BufferSize = 1 << 16;
    private readonly string _path;

    /// <summary>The body of the batch file at <paramref name="path"/>, read when it is sent.</summary>
    public BatchRequestsContent(string path)
    {
        _path = path;
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
    }

    /// <inheritdoc/>
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <inheritdoc/>
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync("{\"requests\":["u8.ToArray(), cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (file.ConfigureAwait(false))
            {
                // A comma is due before the next line's first byte once a line with content has ended.
                bool inLine = false, commaDue = false;
                int read;
                while ((read = await file.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    var start = 0;
                    while (start < read)
                    {
                        var at = buffer.AsSpan(start, read - start).IndexOfAny((byte)'\n', (byte)'\r');
                        var end = at < 0 ? read : start + at;
                        if (end > start)
                        {
                            if (commaDue)
                            {
                                await stream.WriteAsync(","u8.ToArray(), cancellationToken).ConfigureAwait(false);
                                commaDue = false;
                            }

                            await stream.WriteAsync(buffer.AsMemory(start, end - start), cancellationToken).ConfigureAwait(false);
                            inLine = true;
                        }

                        if (at < 0)
                        {
                            break;
                        }

                        if (buffer[end] == (byte)'\n' && inLine)
                        {
                            commaDue = true;
                            inLine = false;
                        }

                        start = end + 1;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await stream.WriteAsync("]}"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
