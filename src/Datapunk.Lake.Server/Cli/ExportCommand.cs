using System.CommandLine;
using Datapunk.Lake.Sovereignty.Export;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake export FILE.zip</c>: write an export archive of the lake, or of part of it.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var output = new Argument<string>("output") { Description = "The zip file to write." };
        var dataset = new Option<string[]>("--dataset") { Description = "Export only this dataset. Repeat for several.", AllowMultipleArgumentsPerToken = true };
        var kind = new Option<string[]>("--kind") { Description = "Export only this record kind. Repeat for several.", AllowMultipleArgumentsPerToken = true };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Export only records that start at or after this time (ISO 8601)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Export only records that start before this time (ISO 8601)." };
        var command = new Command("export", "Write every original, every record and a manifest of hashes to a zip.") { output, dataset, kind, from, to };
        LocalAudit.SetAction(command, "POST /v1/exports", async (result, audit, cancellationToken) =>
        {
            var path = Path.GetFullPath(result.GetValue(output)!);
            audit.Target = LocalAudit.Describe(("dataset", result.GetValue(dataset)), ("kind", result.GetValue(kind)),
                ("from", result.GetValue(from)), ("to", result.GetValue(to)), ("file", path));
            if (File.Exists(path))
            {
                Console.Error.WriteLine($"'{path}' already exists. Choose a new file name or remove the old export first.");
                audit.Result = "file exists";
                return 1;
            }

            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            var filter = new ExportFilter { Datasets = result.GetValue(dataset) ?? [], Kinds = result.GetValue(kind) ?? [], From = result.GetValue(from), To = result.GetValue(to) };
            ExportSummary summary;
            await using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                summary = await lake.Control.Exporter.ExportAsync(stream, filter, cancellationToken);
            }

            audit.Result = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{summary.Records} records, {summary.Originals} originals");
            Console.WriteLine($"Exported {summary.Records} records, {summary.Originals} originals, {summary.Datasets} datasets and {summary.Imports} imports to {path}");
            return 0;
        });
        return command;
    }
}
