using System.CommandLine;
using System.Globalization;

namespace Datapunk.Lake.Server.Cli;

internal static class ImportsCommand
{
    public static Command Create()
    {
        var id = new Argument<string?>("id") { Description = "Show this import with its per-file report.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("imports", "List imports, or show one.") { id };
        LocalAudit.SetAction(command, "GET /v1/imports/", async (result, audit, cancellationToken) =>
        {
            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            if (result.GetValue(id) is { } importId)
            {
                audit.Action = "GET /v1/imports/{id}";
                audit.Target = "id=" + importId;
                var summary = await lake.Records.GetImportAsync(importId, cancellationToken);
                if (summary is null)
                {
                    Console.Error.WriteLine($"No import has the id '{importId}'. Run 'lake imports' to list them.");
                    audit.Result = "not found";
                    return 1;
                }

                var files = await lake.Records.GetImportFilesAsync(importId, cancellationToken);
                audit.Result = string.Create(CultureInfo.InvariantCulture, $"{files.Count} files");
                foreach (var file in files)
                {
                    Console.WriteLine($"  {file.Outcome,-9} {file.Path} {file.Format} {file.Position} {file.Message}");
                }

                ImportSummaryPrinter.Print(Console.Out, summary, files, elapsed: null);
                return 0;
            }

            var imports = await lake.Records.ListImportsAsync(100, cancellationToken);
            audit.Result = string.Create(CultureInfo.InvariantCulture, $"{imports.Count} imports");
            foreach (var summary in imports)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{summary.Id}  {summary.CreatedAt:yyyy-MM-dd HH:mm}  {summary.State,-9}  {summary.RecordsAdded,10:N0} records  {summary.Errors,4} errors  {summary.Source}"));
            }

            return 0;
        });
        return command;
    }
}
