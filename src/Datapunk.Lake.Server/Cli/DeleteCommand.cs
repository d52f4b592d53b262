using System.CommandLine;
using Datapunk.Lake.Sovereignty.Deletion;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake delete</c>: delete a dataset, an import, a time range or records, with a dry run first.</summary>
internal static class DeleteCommand
{
    public static Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = "Delete this dataset (alone: the whole dataset, its originals and archives)." };
        var import = new Option<string?>("--import") { Description = "Delete the records of this import, its archive and every file it stored that no other import or remaining record uses." };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Delete records that start at or after this time (ISO 8601)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Delete records that start before this time (ISO 8601)." };
        var ids = new Option<string[]>("--id") { Description = "Delete this record. Repeat for several.", AllowMultipleArgumentsPerToken = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be deleted, and delete nothing." };
        var allowReimport = new Option<bool>("--allow-reimport") { Description = "Leave no tombstones, so importing the same export again brings the records back." };
        var command = new Command("delete", "Delete data for good: records, their index entries, originals and keys.") { dataset, import, from, to, ids, dryRun, allowReimport };
        LocalAudit.SetAction(command, "DELETE /v1/records", async (result, audit, cancellationToken) =>
        {
            var request = new DeletionRequest(result.GetValue(dataset), result.GetValue(import), result.GetValue(from), result.GetValue(to),
                result.GetValue(ids), AllowReimport: result.GetValue(allowReimport));
            audit.Action = HttpAction(request);
            audit.Target = request.IsEmpty ? $"dryRun={result.GetValue(dryRun)}" : $"{request.Describe()} dryRun={result.GetValue(dryRun)}";
            if (request.IsEmpty)
            {
                Console.Error.WriteLine("Say what to delete: --dataset, --import, --from/--to or --id. Add --dry-run to see the counts first.");
                audit.Result = "invalid arguments";
                return 1;
            }

            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            var outcome = result.GetValue(dryRun)
                ? await lake.Control.Deletion.PreviewAsync(request, scope: null, cancellationToken)
                : await lake.Control.Deletion.DeleteAsync(request, scope: null, cancellationToken);
            audit.Result = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{outcome.Records} records, {outcome.Blobs} blobs");
            var verb = outcome.DryRun ? "Would delete" : "Deleted";
            var datasets = outcome.Datasets.Count == 0 ? "" : $" ({string.Join(", ", outcome.Datasets)})";
            Console.WriteLine($"{verb} {outcome.Records} records and {outcome.Blobs} originals from {outcome.Datasets.Count} datasets{datasets}.");
            return 0;
        });
        return command;
    }

    /// <summary>The HTTP request that deletes the same: a whole dataset, a whole import, or records by filter.</summary>
    private static string HttpAction(DeletionRequest request)
    {
        if (request.IsWholeDataset)
        {
            return "DELETE /v1/datasets/{**name}";
        }

        var onlyImport = request.ImportId is not null && request.Dataset is null && request.From is null && request.To is null
            && (request.RecordIds is null || request.RecordIds.Count == 0) && request.Kind is null;
        return onlyImport ? "DELETE /v1/imports/{id}" : "DELETE /v1/records";
    }
}
