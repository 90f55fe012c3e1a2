using BatchFactory.Demos;
using BatchFactory.Operators;

namespace BatchFactory.Tests.Pipelines;

public sealed class ScratchSchemaTests
{
    [Fact]
    public void Print()
    {
        var a = new AnswerType<List<QuestionGenerationDemo.QA>>(null);
        var b = new AnswerType<QuestionGenerationDemo.Rating>(null);
        var c = new AnswerType<string>(null);
        File.WriteAllText("/tmp/yaml18-schemas.txt", a.SchemaName + " " + a.Schema.ToJsonString() + "\n" + b.SchemaName + " " + b.Schema.ToJsonString() + "\n" + c.SchemaName + " " + c.Schema.ToJsonString());
    }
}
