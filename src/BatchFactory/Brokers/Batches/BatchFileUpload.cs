using System.ClientModel;
using System.Net.Http.Headers;

namespace BatchFactory.Brokers;

/// <summary>
/// A batch file as the body of a protocol-method upload: <c>multipart/form-data</c> with <c>purpose=batch</c> and the
/// file, streamed from disk (never held in memory) with its length known in advance.
/// </summary>
internal sealed class BatchFileUpload : BinaryContent
{
    private readonly MultipartFormDataContent _form = new();
    private readonly FileStream _file;

    public BatchFileUpload(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        _form.Add(new StringContent("batch"), "purpose");
        var file = new StreamContent(_file, 1 << 16);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        _form.Add(file, "file", Path.GetFileName(path));
    }

    /// <summary>The body's content type, with its boundary.</summary>
    public string ContentType => _form.Headers.ContentType!.ToString();

    public override bool TryComputeLength(out long length)
    {
        length = _form.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    public override void WriteTo(Stream stream, CancellationToken cancellationToken = default) => _form.CopyTo(stream, null, cancellationToken);

    public override Task WriteToAsync(Stream stream, CancellationToken cancellationToken = default) => _form.CopyToAsync(stream, cancellationToken);

    public override void Dispose()
    {
        _form.Dispose();
        _file.Dispose();
    }
}
