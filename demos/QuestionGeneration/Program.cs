// QuestionGeneration: typed answers. For five topics, ask a model for three question/answer pairs as a List<QA>, one
// entry per pair, ask it to rate each answer as a Rating, keep the well-rated ones, and write them as JSONL and Parquet.
// Every answer is checked against its type (and repaired by asking again, at most twice); the summary counts answers
// valid at first try, repaired and invalid, and what stays invalid is kept in the project's failed/ folder.
// Offline by default; run it twice and the second run makes no call.
// From the repository root:  dotnet run --project demos/QuestionGeneration [-- --model gpt-4o-mini@openai] [--data-dir ./data]
return await BatchFactory.Demos.QuestionGenerationDemo.RunAsync(args, Console.Out, CancellationToken.None);
