// Quickstart: read topics, pick five at random (the same five every run), ask a model for a poem about each, and
// write them as Markdown to the project folder. Offline by default; run it twice and the second run makes no call.
// While it runs, a live table shows each op's progress (a status line every few seconds when output is redirected).
// From the repository root:  dotnet run --project demos/Quickstart [-- --model gpt-4o-mini@openai] [--data-dir ./data] [--postgres "Host=…;Username=…;Password=…;Database=…"]
return await BatchFactory.Demos.QuickstartDemo.RunAsync(args, Console.Out, CancellationToken.None);
