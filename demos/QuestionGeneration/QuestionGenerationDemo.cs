using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using static BatchFactory.Ops;

namespace BatchFactory.Demos;

/// <summary>The QuestionGeneration demo: typed answers with validation, repair and dead letters.</summary>
public static class QuestionGenerationDemo
{
    /// <summary>Runs the demo; see <see cref="Demo.RunAsync"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        Demo.RunAsync("QuestionGeneration", "ask for typed question/answer pairs, rate them, keep the good ones", "gpt-4o-mini@offline", args, RunAsync, output, cancellationToken);

    private static async Task<string[]> RunAsync(ConsoleRun run)
    {
        var jsonl = run.Project["out/qa.jsonl"];
        var parquet = run.Project["out/qa.parquet"];
        var g = ReadMarkdownLines(DemoData.Find("topics.md"))
            | Shuffle(seed: 42)
            | TakeFirstN(5)
            | AskLLM("Write 3 question/answer pairs about {keyword}.", run.Model, "pairs",
                     new AskOptions<List<QA>> { Validator = pairs => pairs.Count == 3 ? null : $"Write exactly 3 pairs, not {pairs.Count}." })
            | ExplodeList("pairs", itemKey: "qa")
            | AskLLM<Rating>("Rate this answer from 1 (poor) to 5 (excellent): {qa}", run.Model, "rating")
            | Filter((Rating r) => r.Score >= 3, "rating")
            | MapField((QA qa, Rating r) => (qa.Question, qa.Answer, qa.Difficulty, r.Score), ["qa", "rating"], ["question", "answer", "difficulty", "score"])
            | WriteJsonl(jsonl, ["keyword", "question", "answer", "difficulty", "score"])
            | WriteParquet(parquet, ["keyword", "question", "answer", "difficulty", "score"])
            | ToList("question", "score");
        var result = await run.RunAsync(g);
        await run.Output.WriteLineAsync($"\n{result.Output.Count} well-rated pairs.");
        return [jsonl, parquet];
    }

    /// <summary>A question and its answer.</summary>
    /// <param name="Question">The question.</param>
    /// <param name="Answer">Its answer.</param>
    /// <param name="Difficulty">How hard the question is.</param>
    public sealed record QA(
        string Question,
        string Answer,
        [property: Description("1 (easy) to 5 (hard)")] [property: Range(1, 5)] int Difficulty);

    /// <summary>A judgement of an answer.</summary>
    /// <param name="Score">How good the answer is.</param>
    /// <param name="Reason">Why, in one sentence.</param>
    public sealed record Rating(
        [property: Description("1 (poor) to 5 (excellent)")] [property: Range(1, 5)] int Score,
        [property: StringLength(300)] string Reason);
}
