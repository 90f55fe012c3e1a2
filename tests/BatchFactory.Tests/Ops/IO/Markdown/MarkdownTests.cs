using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.IO.Markdown;

public sealed class MarkdownTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadMarkdownLines_LinesUnderHeadings_GiveKeywordsWithoutListMarkersAndTheEnclosingHeadings()
    {
        File.WriteAllText(_dir["in.md"], "top line\n# Animals\n\n- cat\n* dog\n## Birds\n1. owl\n2) crow\n\n# Plants\n+ fern\n   ivy   \n");

        var result = await (ReadMarkdownLines(_dir["in.md"]) | ToList("keyword", "headings")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(
            [
                new Line("top line", []), new Line("cat", ["Animals"]), new Line("dog", ["Animals"]), new Line("owl", ["Animals", "Birds"]),
                new Line("crow", ["Animals", "Birds"]), new Line("fern", ["Plants"]), new Line("ivy", ["Plants"]),
            ],
            result.Values<Line>(),
            LineComparer.Instance);
    }

    [Fact]
    public async Task ReadMarkdownEntries_Sections_GiveTextHeadingPathAndDeepestHeadingAsKeyword()
    {
        File.WriteAllText(_dir["in.md"], "Intro text.\n\n# Poems\n## Sea\n\nWaves roll.\n\nSalt wind.\n\n## Sky\nBlue.\n#hashtag is text\n");

        var result = await (ReadMarkdownEntries(_dir["in.md"]) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        var entries = result.Entries;
        Assert.Equal(3, entries.Count);
        Assert.Equal("Intro text.", entries[0].Get<string>("text"));
        Assert.Empty(entries[0].Get<string[]>("headings"));
        Assert.False(entries[0].Has("keyword"));
        Assert.Equal("Waves roll.\n\nSalt wind.", entries[1].Get<string>("text"));
        Assert.Equal(["Poems", "Sea"], entries[1].Get<string[]>("headings"));
        Assert.Equal("Sea", entries[1].Get<string>("keyword"));
        Assert.Equal("Blue.\n#hashtag is text", entries[2].Get<string>("text"));
    }

    [Fact]
    public async Task WriteMarkdownLines_ThenReadMarkdownLines_GivesTheSameEntries()
    {
        Line[] lines =
        [
            new("loose", []), new("cat", ["Animals"]), new("owl", ["Animals", "Birds"]), new("- dash first", ["Animals", "Birds"]),
            new("dog", ["Animals"]), new("# not a heading", ["Animals"]), new("fern", ["Plants", "Ferns", "Deep"]), new("ivy", ["Plants"]),
        ];
        var written = await (FromList(lines) | WriteMarkdownLines(_dir["out/lines.md"]) | ToList("keyword", "headings")).RunCheckedAsync(null, TestRuns.Token);

        var read = await (ReadMarkdownLines(_dir["out/lines.md"]) | ToList("keyword", "headings")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(lines, written.Values<Line>(), LineComparer.Instance);
        Assert.Equal(lines, read.Values<Line>(), LineComparer.Instance);
    }

    [Fact]
    public async Task WriteMarkdownLines_WritesHeadingsOnceAndKeywordsAsListItems()
    {
        Line[] lines = [new("cat", ["Animals"]), new("dog", ["Animals"]), new("owl", ["Animals", "Birds"])];

        await (FromList(lines) | WriteMarkdownLines(_dir["lines.md"])).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("# Animals\n\n- cat\n- dog\n\n## Birds\n\n- owl\n", File.ReadAllText(_dir["lines.md"]));
    }

    [Fact]
    public async Task WriteMarkdownEntries_ThenReadMarkdownEntries_GivesTheSameEntries()
    {
        Section[] sections =
        [
            new("Preface.", []),
            new("Waves roll.\n\nSalt wind.", ["Poems", "Sea"]),
            new("Second sea poem.", ["Poems", "Sea"]),
            new("# a line that looks like a heading\n\\# and one that looks escaped", ["Poems", "Sky"]),
            new("Back at the top.", ["Poems"]),
            new("Prose.", ["Essays"]),
        ];
        await (FromList(sections) | WriteMarkdownEntries(_dir["out.md"])).RunCheckedAsync(null, TestRuns.Token);

        var read = await (ReadMarkdownEntries(_dir["out.md"]) | ToList("text", "headings")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(sections, read.Values<Section>(), SectionComparer.Instance);
    }

    [Fact]
    public async Task WriteMarkdownEntries_FileKey_WritesOneFilePerValueWithItsEntriesInStreamOrder()
    {
        var rows = new[]
        {
            new { topic = "sea", text = "one", headings = new[] { "A" } },
            new { topic = "sky", text = "two", headings = new[] { "B" } },
            new { topic = "sea", text = "three", headings = new[] { "C" } },
        };

        var result = await (FromList(rows) | WriteMarkdownEntries(_dir["poems"], fileKey: "topic") | ToList("text")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["one", "two", "three"], result.Values<string>());
        Assert.Equal(["sea.md", "sky.md"], Directory.GetFiles(_dir["poems"]).Select(Path.GetFileName).Order());
        Assert.Equal("# A\n\none\n\n# C\n\nthree\n", File.ReadAllText(_dir["poems/sea.md"]));
    }

    [Fact]
    public async Task WriteMarkdownEntries_FileKeyValueLeadingOutsideTheFolder_FailsNamingIdxAndWritesNothing()
    {
        var rows = new[] { new { id = "ok", topic = "sea", text = "a" }, new { id = "bad", topic = "../escape", text = "b" } };

        var ex = await (FromList(rows, idxKey: "id") | WriteMarkdownEntries(_dir["poems"], fileKey: "topic")).RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("bad", ex.Idx);
        Assert.Equal("topic", ex.Field);
        Assert.False(Directory.Exists(_dir["poems"]) && Directory.EnumerateFiles(_dir["poems"]).Any());
    }

    [Fact]
    public async Task WriteMarkdownLines_EntryWithoutHeadingsAfterOnesWithHeadings_FailsNamingTheEntry()
    {
        var rows = new[] { new { id = "a", keyword = "cat", headings = new[] { "Animals" } }, new { id = "b", keyword = "loose", headings = Array.Empty<string>() } };

        var ex = await (FromList(rows, idxKey: "id") | WriteMarkdownLines(_dir["out.md"])).RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("b", ex.Idx);
        Assert.Contains("SortMarkdownEntries", ex.Message);
    }

    [Fact]
    public async Task SortMarkdownEntries_OrdersByHeadingsHeadingByHeadingThenByKeyword()
    {
        Line[] lines = [new("z", ["B"]), new("y", ["A", "b"]), new("x", ["A"]), new("w", ["A b"]), new("v", []), new("u", ["A"])];

        var result = await (FromList(lines) | SortMarkdownEntries() | ToList("keyword")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["v", "u", "x", "y", "w", "z"], result.Values<string>());
    }

    [Fact]
    public async Task ReadmeExample_KeywordsBecomeDeepestHeadingsOfTheirSections()
    {
        File.WriteAllText(_dir["topics.md"], "# Nature\n- sea\n- moon\n# City\n- rain\n");
        var g = ReadMarkdownLines(_dir["topics.md"])
              | MapField((string k) => $"A poem about {k}.", "keyword", "text")
              | MapField((string[] headings, string keyword) => headings.Append(keyword).ToArray(), ["headings", "keyword"], "headings")
              | SortMarkdownEntries()
              | WriteMarkdownEntries(_dir["poems.md"]);
        await g.RunCheckedAsync(null, TestRuns.Token);

        var read = await (ReadMarkdownEntries(_dir["poems.md"]) | ToList("keyword", "text")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("# City\n\n## rain\n\nA poem about rain.\n\n# Nature\n\n## moon\n\nA poem about moon.\n\n## sea\n\nA poem about sea.\n", File.ReadAllText(_dir["poems.md"]));
        Assert.Equal([new Poem("rain", "A poem about rain."), new Poem("moon", "A poem about moon."), new Poem("sea", "A poem about sea.")], read.Values<Poem>());
    }

    private sealed record Poem(string keyword, string text);

    private sealed record Line(string keyword, string[] headings);

    private sealed record Section(string text, string[] headings);

    private sealed class LineComparer : IEqualityComparer<Line>
    {
        public static readonly LineComparer Instance = new();

        public bool Equals(Line? x, Line? y) => x!.keyword == y!.keyword && x.headings.SequenceEqual(y.headings);

        public int GetHashCode(Line obj) => obj.keyword.GetHashCode(StringComparison.Ordinal);
    }

    private sealed class SectionComparer : IEqualityComparer<Section>
    {
        public static readonly SectionComparer Instance = new();

        public bool Equals(Section? x, Section? y) => x!.text == y!.text && x.headings.SequenceEqual(y.headings);

        public int GetHashCode(Section obj) => obj.text.GetHashCode(StringComparison.Ordinal);
    }
}
