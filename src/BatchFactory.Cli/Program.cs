// batchfactory: the command-line tool. `batchfactory --help` lists the commands; README "The batchfactory tool" shows each.
return await BatchFactory.Cli.CliApp.RunAsync(args, Console.Out, CancellationToken.None);
