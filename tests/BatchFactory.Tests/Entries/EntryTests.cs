using System.Text.Json.Nodes;

namespace BatchFactory.Tests.Entries;

public class EntryTests
{
    private sealed record Point(int X, int Y);

    [Fact]
    public void Get_MissingField_ThrowsNamingFieldAndIdxAndPresentFields()
    {
        var entry = new Entry("e1", new JsonObject { ["a"] = 1 });

        var ex = Assert.Throws<EntryFieldException>(() => entry.Get<int>("b"));

        Assert.Equal("b", ex.Field);
        Assert.Equal("e1", ex.Idx);
        Assert.Contains("'b'", ex.Message);
        Assert.Contains("'e1'", ex.Message);
        Assert.Contains("it has: a", ex.Message);
    }

    [Fact]
    public void Get_ValueOfWrongType_ThrowsNamingFieldIdxAndType()
    {
        var entry = new Entry("e1", new JsonObject { ["n"] = "abc" });

        var ex = Assert.Throws<EntryFieldException>(() => entry.Get<int>("n"));

        Assert.Contains("'n'", ex.Message);
        Assert.Contains("'e1'", ex.Message);
        Assert.Contains("Int32", ex.Message);
    }

    [Fact]
    public void SetThenGet_RoundTripsScalarsRecordsAndLists()
    {
        var entry = new Entry("e1")
            .Set("i", 42)
            .Set("d", 2.5)
            .Set("s", "text")
            .Set("b", true)
            .Set("point", new Point(1, 2))
            .Set("list", new List<string> { "x", "y" });

        Assert.Equal(42, entry.Get<int>("i"));
        Assert.Equal(42L, entry.Get<long>("i"));
        Assert.Equal(42.0, entry.Get<double>("i"));
        Assert.Equal(2.5, entry.Get<double>("d"));
        Assert.Equal("text", entry.Get<string>("s"));
        Assert.True(entry.Get<bool>("b"));
        Assert.Equal(new Point(1, 2), entry.Get<Point>("point"));
        Assert.Equal(["x", "y"], entry.Get<List<string>>("list"));
    }

    [Fact]
    public void Data_AfterTypedSets_RoundTripsThroughJsonText()
    {
        var entry = new Entry("e1").Set("point", new Point(3, 4)).Set("n", 7).Set("tags", new[] { "a" });

        var reparsed = new Entry("e1", JsonNode.Parse(entry.Data.ToJsonString())!.AsObject());

        Assert.Equal(new Point(3, 4), reparsed.Get<Point>("point"));
        Assert.Equal(7, reparsed.Get<int>("n"));
        Assert.Equal(["a"], reparsed.Get<string[]>("tags"));
        Assert.True(JsonNode.DeepEquals(entry.Data, reparsed.Data));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Set_NonFiniteNumber_ThrowsBecauseItWouldNotRoundTrip(double value)
    {
        var entry = new Entry("e9");

        var ex = Assert.Throws<EntryFieldException>(() => entry.Set("x", value));

        Assert.Contains("'x'", ex.Message);
        Assert.Contains("'e9'", ex.Message);
        Assert.False(entry.Has("x"));
    }

    [Fact]
    public void GetOrDefault_MissingOrNull_ReturnsFallback()
    {
        var entry = new Entry("e1", new JsonObject { ["nothing"] = null });

        Assert.Equal(5, entry.GetOrDefault("absent", 5));
        Assert.Equal("x", entry.GetOrDefault("nothing", "x"));
        Assert.True(entry.Has("nothing"));
    }

    [Fact]
    public void Clone_IsDeep_ChangingTheCopyLeavesTheOriginal()
    {
        var entry = new Entry("e1").Set("list", new[] { 1, 2 });
        entry.Meta["status"] = "ok";

        var copy = entry.Clone();
        copy.Data["list"]!.AsArray().Add(3);
        copy.Meta["status"] = "changed";

        Assert.Equal([1, 2], entry.Get<int[]>("list"));
        Assert.Equal("ok", entry.Meta["status"]!.GetValue<string>());
        Assert.Equal("e1", copy.Idx);
    }

    [Fact]
    public void NextRev_OnlyGrows()
    {
        var entry = new Entry("e1");

        Assert.Equal(0, entry.Rev);
        Assert.Equal(1, entry.NextRev());
        Assert.Equal(2, entry.NextRev());
    }

    [Fact]
    public void Constructor_EmptyIdxOrNegativeRev_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Entry(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Entry("a", rev: -1));
    }
}
