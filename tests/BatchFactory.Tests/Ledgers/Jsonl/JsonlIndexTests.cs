using BatchFactory.Ledgers;

namespace BatchFactory.Tests.Ledgers.Jsonl;

/// <summary>The JSONL index keeps keys apart even when their 64-bit hashes collide.</summary>
public sealed class JsonlIndexTests
{
    private readonly Dictionary<long, string> _keysAt = [];

    [Fact]
    public void Set_TwoKeysWithTheSameHash_KeepsBothApart()
    {
        var index = new JsonlIndex(slot => _keysAt[slot.Offset]);

        Set(index, "first", hash: 7, offset: 10);
        Set(index, "second", hash: 7, offset: 20);
        Set(index, "first", hash: 7, offset: 30);

        Assert.Equal(2, index.Count);
        Assert.True(index.TryGet("first", 7, out var first));
        Assert.Equal(30, first.Offset);
        Assert.True(index.TryGet("second", 7, out var second));
        Assert.Equal(20, second.Offset);
        Assert.False(index.IsCurrent(7, new Slot(10, 1), "first"));
        Assert.True(index.IsCurrent(7, new Slot(20, 1), "second"));
    }

    [Fact]
    public void AddDistinct_CollidingHash_KeepsBoth()
    {
        var index = new JsonlIndex(slot => _keysAt[slot.Offset]);

        index.AddDistinct(5, new Slot(1, 1), "a");
        index.AddDistinct(5, new Slot(2, 1), "b");

        Assert.Equal(2, index.Count);
        Assert.True(index.TryGet("b", 5, out var b));
        Assert.Equal(2, b.Offset);
    }

    private void Set(JsonlIndex index, string key, ulong hash, long offset)
    {
        _keysAt[offset] = key;
        index.Set(hash, new Slot(offset, 1));
    }
}
