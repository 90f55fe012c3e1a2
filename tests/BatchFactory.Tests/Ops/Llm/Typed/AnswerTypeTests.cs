using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BatchFactory.Operators;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Ops.Llm.Typed;

public sealed class AnswerTypeTests
{
    public enum Mood
    {
        Calm,
        Stormy,
    }

    [Description("A rated answer")]
    public sealed record Rating(
        [property: Description("From 1 (poor) to 5 (excellent)")] [property: Range(1, 5)] int Score,
        [property: StringLength(40, MinimumLength = 2)] string Why,
        Mood Mood,
        string? Note,
        [property: Length(1, 3)] List<Tag> Tags);

    public sealed record Tag([property: RegularExpression("^[a-z]+$")] string Name);

    [Fact]
    public void Schema_OfARecord_SaysDescriptionsRangesLengthsPatternsEnumsAndNullables()
    {
        var schema = new AnswerType<Rating>(null).Schema;

        var properties = schema["properties"]!;
        Assert.Equal("A rated answer", schema["description"]!.GetValue<string>());
        Assert.Equal("From 1 (poor) to 5 (excellent)", properties["Score"]!["description"]!.GetValue<string>());
        Assert.Equal((1, 5), (properties["Score"]!["minimum"]!.GetValue<int>(), properties["Score"]!["maximum"]!.GetValue<int>()));
        Assert.Equal((2, 40), (properties["Why"]!["minLength"]!.GetValue<int>(), properties["Why"]!["maxLength"]!.GetValue<int>()));
        Assert.Equal(["Calm", "Stormy"], properties["Mood"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("null", properties["Note"]!["type"]!.ToJsonString());
        Assert.Equal((1, 3), (properties["Tags"]!["minItems"]!.GetValue<int>(), properties["Tags"]!["maxItems"]!.GetValue<int>()));
        Assert.Equal("^[a-z]+$", properties["Tags"]!["items"]!["properties"]!["Name"]!["pattern"]!.GetValue<string>());
        Assert.Equal(5, schema["required"]!.AsArray().Count);
    }

    [Fact]
    public void Schema_OfAListOrAScalar_IsWrappedInAnObject()
    {
        var list = new AnswerType<List<Tag>>(null);
        var number = new AnswerType<int>(null);

        Assert.True(list.Wrapped);
        Assert.Equal("array", list.Schema["properties"]!["value"]!["type"]!.GetValue<string>());
        Assert.Equal(["value"], list.Schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("List_Tag", list.SchemaName);
        Assert.Equal("integer", number.Schema["properties"]!["value"]!["type"]!.GetValue<string>());
        Assert.False(new AnswerType<Rating>(null).Wrapped);
    }

    [Theory]
    [InlineData("""{"Score":"4","Why":"ok","Mood":"Calm","Note":null,"Tags":[{"Name":"a"}]}""", "$.Score: ")]
    [InlineData("""{"Score":4,"Why":"ok","Mood":"Calm","Note":null}""", "$: ")]
    [InlineData("""{"Score":4,"Why":"ok","Mood":"Calm","Note":null,"Tags":[{"Name":"a"}],"Extra":1}""", "$.Extra: ")]
    [InlineData("""{"score":4,"Why":"ok","Mood":"Calm","Note":null,"Tags":[{"Name":"a"}]}""", "$.score: ")]
    [InlineData("""{"Score":4,"Why":null,"Mood":"Calm","Note":null,"Tags":[{"Name":"a"}]}""", "$.Why: ")]
    [InlineData("""{"Score":4,"Why":"ok","Mood":"Windy","Note":null,"Tags":[{"Name":"a"}]}""", "$.Mood: ")]
    [InlineData("""{"Score":9,"Why":"ok","Mood":"Calm","Note":null,"Tags":[{"Name":"a"}]}""", "$.Score: The field Score must be between 1 and 5.")]
    [InlineData("""{"Score":4,"Why":"ok","Mood":"Calm","Note":null,"Tags":[{"Name":"a"},{"Name":"B"}]}""", "$.Tags[1].Name: ")]
    [InlineData("""{"Score":4,"Why":"ok","Mood":"Calm","Note":null,"Tags":[]}""", "$.Tags: ")]
    public void Check_StrictAndComplete_NamesTheJsonPath(string answer, string error)
    {
        var check = new AnswerType<Rating>(null).Check(answer, wrapped: false);

        Assert.False(check.Valid);
        Assert.StartsWith(error, Assert.Single(check.Errors));
    }

    [Fact]
    public void Check_ValidAnswer_GivesTheValueAsAnEntryStoresIt_AndRunsTheValidatorLast()
    {
        const string Answer = """{"Score":4,"Why":"ok","Mood":"Stormy","Note":null,"Tags":[{"Name":"a"}]}""";

        var check = new AnswerType<Rating>(null).Check(Answer, wrapped: false);
        var refused = new AnswerType<Rating>(r => r.Score < 5 ? "Only fives." : null).Check(Answer, wrapped: false);

        Assert.True(check.Valid);
        Assert.Equal(4, check.Value!["Score"]!.GetValue<int>());
        Assert.Equal(["$: Only fives."], refused.Errors);
    }

    [Fact]
    public void Schema_OfAWrappedType_IsTheOneTheReflectionBoxGave_SoKeysStay()
    {
        Assert.Equal(BoxSchema<List<Tag>>(), new AnswerType<List<Tag>>(null).Schema.ToJsonString());
        Assert.Equal(BoxSchema<int>(), new AnswerType<int>(null).Schema.ToJsonString());
        Assert.Equal(BoxSchema<string[]>(), new AnswerType<string[]>(null).Schema.ToJsonString());
        Assert.Equal(BoxSchema<Mood>(), new AnswerType<Mood>(null).Schema.ToJsonString());
    }

    [Theory]
    [InlineData("""{"value":[1],"extra":2}""", "$: The JSON property 'extra' could not be mapped")]
    [InlineData("""{"values":[1]}""", "$: The JSON property 'values' could not be mapped")]
    [InlineData("""{}""", "$: The object is missing its required property 'value'")]
    [InlineData("""[1]""", "$: Array is not an object with 'value'")]
    [InlineData("""{"value":null}""", "$.value: null is not a List<Int32>")]
    public void Check_WrappedAnswerOfTheWrongShape_IsInvalidNamingWhere(string answer, string error)
    {
        var check = new AnswerType<List<int>>(null).Check(answer, wrapped: true);

        Assert.StartsWith(error, Assert.Single(check.Errors));
    }

    [Fact]
    public void Check_WrappedAnswer_IsUnwrapped()
    {
        var check = new AnswerType<List<int>>(null).Check("""{"value":[1,2]}""", wrapped: true);

        Assert.Equal("[1,2]", check.Value!.ToJsonString());
        Assert.StartsWith("$.value[1]: ", new AnswerType<List<int>>(null).Check("""{"value":[1,"2"]}""", wrapped: true).Errors[0]);
    }

    [Fact]
    public void Schema_OfAType_GivesOfflineAnswersItAccepts()
    {
        var type = new AnswerType<List<Rating>>(null);

        foreach (var seed in new ulong[] { 1, 2, 3, 42, 1234567 })
        {
            var answer = BatchFactory.Brokers.SchemaInstance.Create(type.Schema, seed)!.ToJsonString();
            var check = type.Check(answer, type.Wrapped);
            Assert.True(check.Valid || check.Errors.All(e => e.Contains("Name", StringComparison.Ordinal)), string.Join("; ", check.Errors));
        }
    }

    // The schema a {"value": T} type of its own had when the box was read by reflection (what stored requests hold).
    private static string BoxSchema<T>()
    {
        var options = new JsonSerializerOptions(StrictJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        var transform = new AIJsonSchemaTransformOptions { DisallowAdditionalProperties = true, RequireAllProperties = true, MoveDefaultKeywordToDescription = true };
        var schema = (JsonObject)JsonNode.Parse(AIJsonUtilities.CreateJsonSchema(typeof(ReflectionBox<T>), serializerOptions: options, inferenceOptions: new() { TransformOptions = transform }).GetRawText())!;
        schema.Remove("$schema");
        if (schema["properties"]!["value"]!["type"] is JsonArray { Count: 2 } types && types.Any(t => t!.GetValue<string>() == "null"))
        {
            schema["properties"]!["value"]!["type"] = types.First(t => t!.GetValue<string>() != "null")!.GetValue<string>();
        }

        return schema.ToJsonString();
    }

    private sealed class ReflectionBox<T>
    {
        [JsonPropertyName("value")]
        [JsonRequired]
        public T Value { get; init; } = default!;
    }
}
