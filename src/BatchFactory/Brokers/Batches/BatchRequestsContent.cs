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
    private static readonly byte[] Start = "{\"requests\":["u8.ToArray();
    private static readonly byte[] End = "]}"u8.ToArray();
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
        await stream.WriteAsync(Start, cancellationToken).ConfigureAwait(false);
        var input = ArrayPool<byte>.Shared.Rent(BufferSize);
        // What a read becomes: its lines' bytes, a comma where a line ended (and one due from the read before).
        var output = ArrayPool<byte>.Shared.Rent(BufferSize + 1);
        try
        {
            var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (file.ConfigureAwait(false))
            {
                bool inLine = false, commaDue = false;
                int read;
                while ((read = await file.ReadAsync(input.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    var length = 0;
                    var rest = input.AsSpan(0, read);
                    while (!rest.IsEmpty)
                    {
                        var at = rest.IndexOfAny((byte)'\n', (byte)'\r');
                        var part = at < 0 ? rest : rest[..at];
                        if (!part.IsEmpty)
                        {
                            if (commaDue)
                            {
                                output[length++] = (byte)',';
                                commaDue = false;
                            }

                            part.CopyTo(output.AsSpan(length));
                            length += part.Length;
                            inLine = true;
                        }

                        if (at < 0)
                        {
                            break;
                        }

                        if (rest[at] == (byte)'\n' && inLine)
                        {
                            commaDue = true;
                            inLine = false;
                        }

                        rest = rest[(at + 1)..];
                    }

                    await stream.WriteAsync(output.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }

        await stream.WriteAsync(End, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
