using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;

namespace BatchFactory.Tests.Brokers.Calls;

/// <summary>A chat request folded to its JSON while it waits for its batch reads back as the same request.</summary>
public sealed class ChatCallTests
{
    [Fact]
    public void Fold_ThenUnfold_WritesTheSameJson_AndKeepsTheKey()
    {
        var messages = new JsonArray { ChatRequest.Message("system", "Be brief."), ChatRequest.Message("user", "café «crème» <b>&</b> \"q\" \\ 🎈\t") };
        var request = ChatRequest.Create("gpt-4o-mini@openai", messages, new JsonObject { ["temperature"] = 0.7, ["top_p"] = 1e-7 }, 3);
        var call = new ChatCall(request, ModelSpec.Parse("gpt-4o-mini@openai"));
        var (key, written, content) = (call.Key, Written(call), call.Content().ToJsonString());

        call.Fold();

        Assert.True(call.Folded);
        Assert.Equal(written, Written(call));
        Assert.Equal(content, call.Content().ToJsonString());
        Assert.Equal(key, ChatRequest.Key(call.Request));
        var unfolded = call.Unfold();
        Assert.False(call.Folded);
        Assert.Same(unfolded, call.Request);
        Assert.True(JsonNode.DeepEquals(request, unfolded));
        Assert.Equal(written, Written(call));
    }

    [Fact]
    public void Fold_TextOutsideAscii_TakesItsUtf8SizeNotSixBytesACharacter_AndWritesTheSameJson()
    {
        var text = string.Concat(Enumerable.Repeat("Переведи этот текст. 翻译这段文字。 ", 300));
        var request = ChatRequest.Create("gpt-4o-mini@openai", new JsonArray { ChatRequest.Message("user", text) }, null, 0);
        var call = new ChatCall(request, ModelSpec.Parse("gpt-4o-mini@openai"));
        var written = Written(call);

        call.Fold();

        Assert.InRange(call.FoldedSize, Encoding.UTF8.GetByteCount(text), Encoding.UTF8.GetByteCount(text) + 200);
        Assert.Equal(written, Written(call));
    }

    private static string Written(ChatCall call)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            call.WriteContent(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
