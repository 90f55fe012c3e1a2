// PromptManagement: prompts and data in one place. Each topic is asked for in several languages (ExplodeList over a
// list of languages), with a prompt builder that picks the prompt written in each language; the haiku are written
// as Markdown, one file per language. Offline by default. From the repository root:
//   dotnet run --project demos/PromptManagement [-- --model gpt-4o-mini@openai] [--data-dir ./data]
return await BatchFactory.Demos.PromptManagementDemo.RunAsync(args, Console.Out, CancellationToken.None);
