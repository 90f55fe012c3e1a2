// HostedWorker: a generic-host worker that runs a graph with everything from configuration and DI: the providers,
// strategies, retries and prices in appsettings.json (section BatchFactory), the project folder, the host's logging and
// clock. Offline by default; any setting can be overridden on the command line or by environment variables, e.g.
// From the repository root:  dotnet run --project demos/HostedWorker [-- --Worker:Model=writer@fallback]
// (writer@fallback asks a local Ollama first and falls back to the offline model when it is not running).
return await BatchFactory.Demos.HostedWorkerDemo.RunAsync(args, Console.Out, CancellationToken.None);
