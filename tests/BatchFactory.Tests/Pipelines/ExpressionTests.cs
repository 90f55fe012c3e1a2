using System.Text.Json.Nodes;
using BatchFactory.Pipelines.Expressions;

namespace BatchFactory.Tests.Pipelines;

/// <summary>The expression language of YAML pipelines: fields and paths, literals, operators, functions, and clear errors.</summary>
public sealed class ExpressionTests
{
    private static readonly Entry Sample = new("e1", JsonNode.Parse("""
        {"score": 4, "name": "Ada", "rating": {"Score": 3, "Reason": "ok"}, "pairs": [{"q": "a"}, {"q": "b"}, {"q": "c"}], "tags": ["x", "y"], "none": null, "ratio": 0.5}
        """)!.AsObject());

    [Theory]
    [InlineData("score >= 3", true)]
    [InlineData("rating.Score >= 3 and len(pairs) == 3", true)]
    [InlineData("rating.Score > 3 or name == 'Ada'", true)]
    [InlineData("not (score == 4)", false)]
    [InlineData("pairs[1].q == \"b\"", true)]
    [InlineData("rating['Reason'] != 'bad'", true)]
    [InlineData("'x' in tags and not ('z' in tags)", true)]
    [InlineData("contains(name, 'd') and startsWith(name, 'A') and endsWith(name, 'a')", true)]
    [InlineData("none == null", true)]
    [InlineData("has('score') and not has('missing')", true)]
    [InlineData("score == 4.0", true)]
    [InlineData("ratio < 1 and ratio * 2 == 1", true)]
    [InlineData("name < 'Bob'", true)]
    [InlineData("-score + 10 == 6", true)]
    [InlineData("score % 3 == 1 and score / 8 == 0.5", true)]
    public void Condition_OnAnEntry_GivesTheExpectedTruth(string condition, bool expected)
    {
        Assert.Equal(expected, Expression.CompileCondition(condition)(Sample));
    }

    [Theory]
    [InlineData("upper(name) + '!'", "\"ADA!\"")]
    [InlineData("lower(trim(' Ab '))", "\"ab\"")]
    [InlineData("[rating.Score, len(tags), 'k']", "[3,2,\"k\"]")]
    [InlineData("str(score) + '/5'", "\"4/5\"")]
    [InlineData("num('2.5') * 2", "5")]
    [InlineData("pairs[0]", "{\"q\":\"a\"}")]
    [InlineData("score * 1.5", "6")]
    [InlineData("score / 3", "1.3333333333333333")]
    [InlineData("'a' + \"b\" + 1", "\"ab1\"")]
    public void Expression_OnAnEntry_GivesTheExpectedJson(string expression, string json)
    {
        var value = Expression.Compile(expression)(Sample);

        Assert.Equal(json, value?.ToJsonString() ?? "null");
    }

    [Theory]
    [InlineData("score >=", "the expression ends too early", 8)]
    [InlineData("score = 3", "unexpected character '='", 6)]
    [InlineData("size(tags)", "there is no function 'size'", 0)]
    [InlineData("len(a, b)", "len takes 1 argument, not 2", 0)]
    [InlineData("(score", "expected ')' at the end", 6)]
    [InlineData("'open", "a string is not closed", 0)]
    [InlineData("score 3", "unexpected '3'", 6)]
    [InlineData("rating.", "expected a member name after '.'", 7)]
    public void Compile_AMalformedExpression_SaysWhatAndWhere(string expression, string message, int offset)
    {
        var error = Assert.Throws<ExpressionException>(() => Expression.Compile(expression));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(offset, error.Offset);
    }

    [Theory]
    [InlineData("missing > 1", "has no field 'missing'")]
    [InlineData("name > 1", "'>' compares two numbers or two strings")]
    [InlineData("score and true", "'and' needs true or false, not 4")]
    [InlineData("rating.Nope", "has no member 'Nope'")]
    [InlineData("tags[5]", "index 5 is outside the list of 2")]
    [InlineData("score / 0", "'/' by zero")]
    public void Evaluate_AnExpressionThatCannotApply_SaysWhy(string expression, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => Expression.Compile(expression)(Sample));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Condition_ThatGivesNoTruthValue_Fails()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Expression.CompileCondition("score + 1")(Sample));

        Assert.Contains("the condition \"score + 1\" gave 5, not true or false", error.Message, StringComparison.Ordinal);
    }
}
