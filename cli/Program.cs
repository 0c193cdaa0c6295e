using RemoteDev.Cli;

return await CliApp.RunAsync(args);
