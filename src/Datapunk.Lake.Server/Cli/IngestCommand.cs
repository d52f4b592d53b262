using System.CommandLine;
using System.Globalization;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Server.Apis;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake ingest PATH…</c>: imports archives, folders or files as one import and prints a summary.</summary>
/// <remarks>Exit codes: 0 when every file went in, 2 when the import finished with file errors, 1 when it failed.</remarks>
internal static class IngestCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "A Takeout .zip or .tgz (several parts of one export may be given), an extracted folder, or a single export file.",
            Arity = ArgumentArity.OneOrMore,
        };
        var account = new Option<string?>("--account") { Description = "The account the export belongs to, used in dataset names (default: owner)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the summary, not each file." };
        var command = new Command("ingest", "Import a Takeout archive, folder or file into the lake.") { paths, account, quiet };

        LocalAudit.SetAction(command, "POST /v1/imports/", async (result, audit, cancellationToken) =>
        {
            var accountName = result.GetValue(account);
            var inputs = result.GetValue(paths)!;
            audit.Target = LocalAudit.Describe(("account", accountName), ("paths", inputs.Select(Path.GetFullPath)));
            if (accountName is not null && !ImportsApi.IsValidAccount(accountName))
            {
                Console.Error.WriteLine($"Invalid --account '{accountName}'. Use letters, digits and '.', '_', '-', '@', '+' only.");
                audit.Result = "invalid arguments";
                return 1;
            }

            foreach (var input in inputs)
            {
                if (!File.Exists(input) && !Directory.Exists(input))
                {
                    Console.Error.WriteLine($"'{input}' does not exist. Pass a Takeout .zip or .tgz, an extracted folder or a single export file.");
                    audit.Result = "path not found";
                    return 1;
                }
            }

            var lake = await audit.OpenLakeAsync(accountName, cancellationToken);
            var job = ImportJob.Create(string.Join(", ", inputs.Select(Path.GetFullPath)), lake.Options.Account);
            audit.Target = LocalAudit.Describe(("import", job.Id), ("account", accountName), ("paths", inputs.Select(Path.GetFullPath)));
            await lake.Records.CreateImportAsync(job.Summary, cancellationToken);
            Console.Error.WriteLine($"Importing into {lake.Options.DataDirectory} as {job.Id}");

            var sources = inputs.Select(p => new ImportSource(Path.GetFileName(Path.TrimEndingDirectorySeparator(p)), LocalPath: p)).ToList();
            var observer = new ConsoleImportObserver(Console.Error, result.GetValue(quiet));
            var started = TimeProvider.System.GetTimestamp();
            var summary = await lake.Engine.RunAsync(job, sources, observer, cancellationToken);
            var files = await lake.Records.GetImportFilesAsync(job.Id, CancellationToken.None);

            ImportSummaryPrinter.Print(Console.Out, summary, files, TimeProvider.System.GetElapsedTime(started));
            audit.Result = string.Create(CultureInfo.InvariantCulture, $"{summary.State}, {summary.RecordsAdded} records added, {summary.Errors} file errors");
            if (summary.State == ImportState.Succeeded && summary.Errors > 0)
            {
                audit.Status = "partial";
            }

            return summary.State switch
            {
                ImportState.Succeeded when summary.Errors == 0 => 0,
                ImportState.Succeeded => 2,
                _ => 1,
            };
        });
        return command;
    }
}
