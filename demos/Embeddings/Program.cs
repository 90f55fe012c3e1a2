// Embeddings: embed every topic, compare each pair by cosine similarity, and write the pairs ranked from most to least
// similar as CSV. Offline by default (deterministic vectors). From the repository root:
//   dotnet run --project demos/Embeddings [-- --model text-embedding-3-small@openai] [--data-dir ./data]
return await BatchFactory.Demos.EmbeddingsDemo.RunAsync(args, Console.Out, CancellationToken.None);
