using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using BatchFactory.Demos;
using BatchFactory.Operators;
using BatchFactory.Pipelines.Expressions;
using BatchFactory.Pipelines.Types;

namespace BatchFactory.Tests.Pipelines.Types;

/// <summary>Types declared in YAML make the schema AskLLM&lt;T&gt; makes for the matching C# type, so both send the same request.</summary>
public sealed class DeclaredTypesTests
{
    private static readonly DeclaredTypes Types = new(new()
    {
        ["QA"] = [("Question", "str"), ("Answer", "str"), ("Difficulty", "int(1..5) % 1 (easy) to 5 (hard)")],
        ["Rating"] = [("Score", "int(1..5) % 1 (poor) to 5 (excellent)"), ("Reason", "str(..300)")],
        ["Everything"] =
        [
            ("Name", "str?"), ("Count", "int?"), ("Ratio", "float(0..1)"), ("Ok", "bool"), ("Tags", "list[str](1..3)"),
            ("Level", "enum[Low, High]"), ("Best", "QA?"), ("All", "list[Rating] % every rating"), ("Code", "str(2..8)"),
        ],
    });

    [Fact]
    public void Answer_TheDemosTypes_AreTheSchemasOfTheCSharpRecords()
    {
        AssertSame<List<QuestionGenerationDemo.QA>>("list[QA]");
        AssertSame<QuestionGenerationDemo.Rating>("Rating");
        AssertSame<QuestionGenerationDemo.QA[]>("QA[]");
        AssertSame<string>("str");
        AssertSame<int>("int");
        AssertSame<List<string>>("list[str]");
    }

    [Fact]
    public void Answer_NullablesRangesEnumsAndNestedTypes_AreTheSchemasOfTheCSharpRecord()
    {
        AssertSame<Everything>("Everything");
    }

    [Theory]
    [InlineData("Name", "strng", "'strng' is not a type")]
    [InlineData("Score", "int(1..x)", "'x' is not a number")]
    [InlineData("Score", "int(1-5)", "a range is written (min..max)")]
    [InlineData("Score", "int = ", "'=' needs a default value")]
    [InlineData("Score", "% only a description", "names no type")]
    [InlineData("Best", "QA(1..2)", "a range applies to int, float, str and list")]
    [InlineData("Level", "enum[]", "lists no values")]
    public void Object_ABadDeclaration_NamesTheTypeAndField(string field, string declaration, string message)
    {
        var types = new DeclaredTypes(new() { ["QA"] = [("Question", "str")], ["Bad"] = [(field, declaration)] });

        var error = Assert.Throws<TypeDeclarationException>(() => types.Object("Bad"));

        Assert.Equal(("Bad", field), (error.Type, error.Field));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_ATypeThatContainsItself_Fails()
    {
        var types = new DeclaredTypes(new() { ["Node"] = [("Children", "list[Node]")] });

        Assert.Contains("contains itself", Assert.Throws<TypeDeclarationException>(() => types.Object("Node")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_WithAMarker_Fails()
    {
        Assert.Throws<ExpressionException>(() => Types.Answer("QA?"));
    }

    private static void AssertSame<T>(string declared)
    {
        var csharp = new AnswerType<T>(null);
        var (name, schema) = Types.Answer(declared);
        var yaml = new SchemaAnswerType(name, schema);

        Assert.Equal(csharp.Schema.ToJsonString(), yaml.Schema.ToJsonString());
        Assert.Equal((csharp.TypeName, csharp.SchemaName, csharp.Wrapped), (yaml.TypeName, yaml.SchemaName, yaml.Wrapped));
    }

    public sealed record Everything(
        string? Name,
        int? Count,
        [property: Range(0, 1)] double Ratio,
        bool Ok,
        [property: MinLength(1)] [property: MaxLength(3)] List<string> Tags,
        Level Level,
        QuestionGenerationDemo.QA? Best,
        [property: Description("every rating")] List<QuestionGenerationDemo.Rating> All,
        [property: StringLength(8, MinimumLength = 2)] string Code);

    public enum Level
    {
        Low,
        High,
    }
}
