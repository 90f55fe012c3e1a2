// Roleplay: a teacher and a student talk about each topic for three rounds, then the teacher sums up; the dialogues are
// written as Markdown. Offline by default. From the repository root:
//   dotnet run --project demos/Roleplay [-- --model gpt-4o-mini@openai] [--data-dir ./data]
return await BatchFactory.Demos.RoleplayDemo.RunAsync(args, Console.Out, CancellationToken.None);
