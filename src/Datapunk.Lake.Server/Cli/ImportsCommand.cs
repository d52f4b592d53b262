using System.CommandLine;
using System.Globalization;

namespace Datapunk.Lake.Server.Cli;

internal static class ImportsCommand
{
    public static Command Create()
    {
        var id = new Argument<string?>("id") { Description = "Show this import with its per-file report.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("imports", "List imports, or show one.") { id };
        command.SetAction(async (result, cancellationToken) =>
        {
            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            if (result.GetValue(id) is { } importId)
            {
                var summary = await lake.Records.GetImportAsync(importId, cancellationToken);
                if (summary is null)
                {
                    Console.Error.WriteLine($"No import has the id '{importId}'. Run 'lake imports' to list them.");
                    return 1;
                }

                var files = await lake.Records.GetImportFilesAsync(importId, cancellationToken);
                foreach (var file in files)
                {
                    Console.WriteLine($"  {file.Outcome,-9} {file.Path} {file.Format} {file.Position} {file.Message}");
                }

                ImportSummaryPrinter.Print(Console.Out, summary, files, elapsed: null);
                return 0;
            }

            foreach (var summary in await lake.Records.ListImportsAsync(100, cancellationToken))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{summary.Id}  {summary.CreatedAt:yyyy-MM-dd HH:mm}  {summary.State,-9}  {summary.RecordsAdded,10:N0} records  {summary.Errors,4} errors  {summary.Source}"));
            }

            return 0;
        });
        return command;
    }
}
