// TextSegmentation: a long story is split into chunks of numbered paragraphs, a model marks where scenes begin in each
// chunk (all chunks in parallel, with ListParallel), and the answers are gathered back and turned into one entry per
// scene, written as Markdown. Offline by default. From the repository root:
//   dotnet run --project demos/TextSegmentation [-- --model gpt-4o-mini@openai] [--data-dir ./data]
return await BatchFactory.Demos.TextSegmentationDemo.RunAsync(args, Console.Out, CancellationToken.None);
