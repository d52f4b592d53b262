using System.CommandLine;

namespace Datapunk.Lake.Server.Cli;

/// <summary>The <c>lake</c> command: one executable for the server and every tool.</summary>
public static class LakeCommandLine
{
    /// <summary>The data directory option, shared by every command.</summary>
    public static readonly Option<string?> DataDirectory = new("--data-dir")
    {
        Description = $"The data directory (database and blobs). Default: ${LakeOptions.DataDirectoryVariable}, else $XDG_DATA_HOME/datapunk-lake, else ~/.local/share/datapunk-lake.",
        Recursive = true,
    };

    /// <summary>The exit code of every command when a setting (option or environment variable) is not valid.</summary>
    public const int InvalidSettingExitCode = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Datapunk Lake: keep your exported data, query it, and decide who sees it.");
        root.Options.Add(DataDirectory);
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(ImportsCommand.Create());
        root.Subcommands.Add(RecordsCommand.Create());
        root.Subcommands.Add(DatasetsCommand.Create());
        root.Subcommands.Add(FormatsCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(TokenCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(DeleteCommand.Create());
        root.Subcommands.Add(RetentionCommand.Create());
        root.Subcommands.Add(VerifyCommand.AddInstallOption(IntegrityCommand.Create()));
        root.Subcommands.Add(HealthcheckCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());

        // System.CommandLine's default handler prints every exception with its stack trace. An invalid setting is the
        // user's to fix, so it gets its one-line message and exit code 2, the code 'lake healthcheck' uses for a bad option.
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        try
        {
            return await root.Parse(args).InvokeAsync(invocation);
        }
        catch (InvalidSettingException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return InvalidSettingExitCode;
        }
        catch (OperationCanceledException)
        {
            // System.CommandLine's default handler also returns 1 without a message for a cancelled command.
            return 1;
        }
        catch (Exception exception)
        {
            // The same output and exit code as System.CommandLine's default handler.
            await Console.Error.WriteLineAsync("Unhandled exception: " + exception);
            return 1;
        }
    }

    /// <summary>Opens the lake in the data directory chosen by option or environment.</summary>
    public static Task<Lake> OpenLakeAsync(ParseResult result, string? account, CancellationToken cancellationToken)
    {
        var options = new LakeOptions
        {
            DataDirectory = LakeOptions.ResolveDataDirectory(result.GetValue(DataDirectory)),
            Account = account ?? "owner",
        };
        return Lake.OpenAsync(options, cancellationToken);
    }
}
