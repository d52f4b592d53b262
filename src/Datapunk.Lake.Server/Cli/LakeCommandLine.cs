using System.CommandLine;
using System.Text.RegularExpressions;

namespace Datapunk.Lake.Server.Cli;

/// <summary>The <c>lake</c> command: one executable for the server and every tool.</summary>
public static partial class LakeCommandLine
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
        var parsed = root.Parse(args);
        if (parsed.Errors.Any(e => TypeMismatch().IsMatch(e.Message)))
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(DescribeParseError(error.Message));
            }

            await Console.Error.WriteLineAsync($"Run 'lake {CommandPath(parsed.CommandResult)} --help' for the options.");
            return 1;
        }

        try
        {
            return await parsed.InvokeAsync(invocation);
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

    /// <summary>
    /// Rewrites System.CommandLine's message for a value of the wrong type, which names the .NET type (such as
    /// "System.Nullable`1[System.Int64]"), into the kind of value the option takes.
    /// </summary>
    internal static string DescribeParseError(string message)
    {
        var match = TypeMismatch().Match(message);
        if (!match.Success)
        {
            return message;
        }

        var type = match.Groups["type"].Value;
        var expected = type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Decimal", StringComparison.Ordinal) ? "a number"
            : type.Contains("Date", StringComparison.Ordinal) || type.Contains("Time", StringComparison.Ordinal) ? "a date or time"
            : "a valid value";
        return $"Invalid value '{match.Groups["value"].Value}' for {match.Groups["option"].Value}: expected {expected}.";
    }

    /// <summary>Returns the names of a subcommand and its parents below the root, such as "token create".</summary>
    private static string CommandPath(System.CommandLine.Parsing.CommandResult command)
    {
        var names = new List<string>();
        for (var current = command; current.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent)
        {
            names.Insert(0, current.Command.Name);
        }

        return string.Join(' ', names);
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>.*)' as expected type '(?<type>.*)'\.?$")]
    private static partial Regex TypeMismatch();

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
