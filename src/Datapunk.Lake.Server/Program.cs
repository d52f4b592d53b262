using Datapunk.Lake.Server.Cli;

return await LakeCommandLine.RunAsync(args);
