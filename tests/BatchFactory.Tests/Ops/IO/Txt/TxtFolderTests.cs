using System.Text;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.IO.Txt;

public sealed class TxtFolderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadTxtFolder_DefaultPattern_ReadsTopLevelTxtFilesInNameOrder()
    {
        Write("b.txt", "bee");
        Write("a.txt", "ay\nsecond line");
        Write("c.md", "not txt");
        Write("sub/d.txt", "nested");

        var result = await (ReadTxtFolder(_dir.Path) | ToList("filename", "text")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([new Doc("a.txt", "ay\nsecond line"), new Doc("b.txt", "bee")], result.Values<Doc>());
    }

    [Fact]
    public async Task ReadTxtFolder_RecursivePattern_ReadsFilesInEveryFolder()
    {
        Write("a.txt", "top");
        Write("sub/deeper/b.txt", "deep");
        Write("sub/c.txt", "mid");
        Write("sub/c.log", "no");

        var result = await (ReadTxtFolder(_dir.Path, "**/*.txt") | ToList("filename")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["a.txt", "sub/c.txt", "sub/deeper/b.txt"], result.Values<string>());
    }

    [Fact]
    public async Task ReadTxtFolder_MissingFolder_ThrowsInputFileExceptionBeforeTheRunStarts()
    {
        var ex = await Assert.ThrowsAsync<InputFileException>(() => (ReadTxtFolder(_dir["nope"]) | OutputEntries()).RunAsync(null, TestRuns.Token));

        Assert.Contains("ReadTxtFolder", ex.Message);
        Assert.Contains(_dir["nope"], ex.Message);
        Assert.Equal(_dir["nope"], ex.FilePath);
    }

    [Fact]
    public async Task ReadTxtFolder_FileThatIsNotUtf8_FailsNamingTheFileAndLine()
    {
        Write("ok.txt", "fine");
        File.WriteAllBytes(_dir["bad.txt"], [.. Encoding.UTF8.GetBytes("line one\nline "), 0xC3, 0x28, (byte)'\n']);

        var ex = await (ReadTxtFolder(_dir.Path) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        var inner = Assert.IsType<InputFileException>(ex.InnerException);
        Assert.EndsWith("bad.txt", inner.FilePath);
        Assert.Equal(2, inner.Line);
    }

    [Fact]
    public async Task ReadTxtFolder_Utf16File_IsRefusedNotDecoded()
    {
        File.WriteAllText(_dir["wide.txt"], "hello", Encoding.Unicode);

        var ex = await (ReadTxtFolder(_dir.Path) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Contains("not UTF-8", ex.Message);
    }

    [Fact]
    public async Task WriteTxtFolder_ThenReadTxtFolder_GivesTheSameFilesAndTexts()
    {
        Doc[] docs = [new("a.txt", "alpha\n"), new("sub/b.txt", "caf\u00e9")];

        var written = await (FromList(docs) | WriteTxtFolder(_dir["out"]) | ToList("filename", "text")).RunCheckedAsync(null, TestRuns.Token);
        var read = await (ReadTxtFolder(_dir["out"], "**/*.txt") | ToList("filename", "text")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(docs, written.Values<Doc>());
        Assert.Equal(docs, read.Values<Doc>());
    }

    [Fact]
    public async Task WriteTxtFolder_TwoEntriesNamingOneFile_FailsAndWritesNothing()
    {
        Doc[] docs = [new("a.txt", "one"), new("b.txt", "two"), new("a.txt", "three")];

        var ex = await (FromList(docs) | WriteTxtFolder(_dir["out"])).RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Contains("both name the file 'a.txt'", ex.Message);
        Assert.Empty(Directory.Exists(_dir["out"]) ? Directory.GetFiles(_dir["out"]) : []);
    }

    [Fact]
    public async Task WriteTxtFolder_FileNameLeadingOutside_FailsNamingTheEntry()
    {
        var ex = await (FromList(new[] { new { id = "x", filename = "../evil.txt", text = "t" } }, idxKey: "id") | WriteTxtFolder(_dir["out"]))
            .RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("x", ex.Idx);
        Assert.False(File.Exists(_dir["evil.txt"]));
    }

    private void Write(string name, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_dir[name])!);
        File.WriteAllText(_dir[name], text);
    }

    private sealed record Doc(string filename, string text);
}
