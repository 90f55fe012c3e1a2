using System.Text.Json;
using System.Text.Json.Serialization;
using BatchFactory.Entries;

namespace BatchFactory.Tests.Entries;

/// <summary>Entry values in an app without reflection-based JSON (native AOT, trimmed, file-based): the user's contracts, the library's, or a clear error.</summary>
public sealed partial class EntryContractsTests
{
    public sealed record Paper(string Title, int Year);

    [Fact]
    public void GetTypeInfo_UnknownTypeWithoutReflection_ThrowsNamingTheTypeAndHowToGiveItsContract()
    {
        var options = OptionsOf(new EntryContracts(reflectionAllowed: false));

        var ex = Assert.Throws<MissingContractException>(() => JsonSerializer.Serialize(new Paper("On Haiku", 1998), options));

        Assert.Contains("Paper has no JSON contract", ex.Message);
        Assert.Contains("[JsonSerializable(typeof(Paper))]", ex.Message);
        Assert.Contains("RunOptions.JsonTypeInfoResolver", ex.Message);
    }

    [Fact]
    public void GetTypeInfo_WithoutReflection_ServesScalarsListsAndDictionariesFromTheLibrary()
    {
        var options = OptionsOf(new EntryContracts(reflectionAllowed: false));

        Assert.Equal("""["a","b"]""", JsonSerializer.Serialize(new List<string> { "a", "b" }, options));
        Assert.Equal(new Dictionary<string, int> { ["n"] = 2 }, JsonSerializer.Deserialize<Dictionary<string, int>>("""{"n":2}""", options));
        Assert.Equal([1.5, 2], JsonSerializer.Deserialize<double[]>("[1.5,2]", options)!);
    }

    [Fact]
    public void GetTypeInfo_WithTheUsersContext_ReadsAndWritesTheirTypeWithoutReflection()
    {
        var contracts = new EntryContracts(reflectionAllowed: false);
        contracts.Add(PaperJson.Default);
        var options = OptionsOf(contracts);

        var json = JsonSerializer.Serialize(new Paper("On Haiku", 1998), options);

        Assert.Equal("""{"Title":"On Haiku","Year":1998}""", json);
        Assert.Equal(new Paper("On Haiku", 1998), JsonSerializer.Deserialize<Paper>(json, options));
    }

    [Fact]
    public void NotJson_MissingContract_SaysHowToGiveIt()
    {
        var options = OptionsOf(new EntryContracts(reflectionAllowed: false));
        var paper = new Paper("On Haiku", 1998);
        var inner = Record.Exception(() => JsonSerializer.SerializeToNode(paper, options));

        var ex = JsonFieldCodec.NotJson(paper, inner);

        Assert.Contains("Paper value (Paper { Title = On Haiku, Year = 1998 }) cannot be stored as JSON: Paper has no JSON contract", ex.Message);
    }

    private static JsonSerializerOptions OptionsOf(EntryContracts contracts) => new(JsonFieldCodec.Options) { TypeInfoResolver = contracts };

    [JsonSerializable(typeof(Paper))]
    private sealed partial class PaperJson : JsonSerializerContext;
}
