using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Reporting;

/// <summary>
/// The dead-letter files of one run: JSONL files in the project (<c>failed/&lt;op&gt;.jsonl</c>) listing what an op
/// could not do, one object per line, written as it happens. Each file lists one run: the first op to claim it in a run
/// deletes what an earlier run left, and two ops that share a name share its file. Lines are flushed one by one, so a
/// killed run keeps what it wrote. With <c>discard</c> (a run that only estimates) nothing is deleted or written.
/// </summary>
internal sealed class DeadLetters(bool discard = false) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Dictionary<string, StreamWriter?> _files = new(StringComparer.Ordinal);

    /// <summary>The file name an op of this name writes to: its name (before any <c> › </c>) with characters other than letters, digits, <c>.</c>, <c>_</c> and <c>-</c> as <c>-</c>.</summary>
    public static string FileName(string opName)
    {
        var name = new StringBuilder();
        foreach (var c in opName.Split(" › ")[0])
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }

        return name.ToString().Trim('-') is { Length: > 0 } clean ? clean : "op";
    }

    /// <summary>Claims <paramref name="path"/> for this run, deleting a file an earlier run left there.</summary>
    public void Claim(string path)
    {
        lock (_files)
        {
            if (!discard && _files.TryAdd(path, null) && File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Appends <paramref name="record"/> as one line to the file at <paramref name="path"/> (claimed or not), creating it and its folder; nothing when the run only estimates.</summary>
    public void Write(string path, JsonObject record)
    {
        if (discard)
        {
            return;
        }

        var line = record.ToJsonString(Json);
        lock (_files)
        {
            if (!_files.TryGetValue(path, out var writer) || writer is null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                writer = new StreamWriter(path, append: true, new UTF8Encoding(false));
                _files[path] = writer;
            }

            writer.WriteLine(line);
            writer.Flush();
        }
    }

    /// <summary>Closes the files.</summary>
    public void Dispose()
    {
        lock (_files)
        {
            foreach (var writer in _files.Values)
            {
                writer?.Dispose();
            }

            _files.Clear();
        }
    }
}
