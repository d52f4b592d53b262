using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Datapunk.Lake.Server.Apis;
using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Server.Cli;

internal static class RecordsCommand
{
    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "Start of the time range (ISO 8601 date or time, inclusive)." };
        var to = new Option<string?>("--to") { Description = "End of the time range (ISO 8601 date or time, exclusive)." };
        var kind = new Option<string?>("--kind") { Description = "Record kinds, comma-separated (location, visit, search, …)." };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset names, comma-separated." };
        var bbox = new Option<string?>("--bbox") { Description = "Area as minLon,minLat,maxLon,maxLat in degrees." };
        var limit = new Option<int?>("--limit") { Description = $"Records per page, 1 to {RecordQueryParser.MaxLimit} (default {RecordQueryParser.DefaultLimit})." };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the page that printed this cursor." };
        var json = new Option<bool>("--json") { Description = "Print one JSON record per line (NDJSON) instead of a table." };
        var command = new Command("records", "List records in time order.") { from, to, kind, dataset, bbox, limit, cursor, json };

        LocalAudit.SetAction(command, "GET /v1/records", async (result, audit, cancellationToken) =>
        {
            audit.Target = LocalAudit.Describe(("from", result.GetValue(from)), ("to", result.GetValue(to)), ("kind", result.GetValue(kind)),
                ("dataset", result.GetValue(dataset)), ("bbox", result.GetValue(bbox)), ("limit", result.GetValue(limit)));
            var query = RecordQueryParser.TryParse(result.GetValue(from), result.GetValue(to), result.GetValue(kind), result.GetValue(dataset),
                result.GetValue(bbox), result.GetValue(limit), result.GetValue(cursor), out var error);
            if (query is null)
            {
                Console.Error.WriteLine(error);
                audit.Result = "invalid arguments";
                return 1;
            }

            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            var page = await lake.Records.QueryRecordsAsync(query, cancellationToken);
            audit.Result = string.Create(CultureInfo.InvariantCulture, $"{page.Items.Count} records");
            var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            foreach (var record in page.Items)
            {
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(RecordView.From(record), options));
                    continue;
                }

                var place = record.Latitude is { } lat && record.Longitude is { } lon
                    ? string.Create(CultureInfo.InvariantCulture, $"{lat:F6},{lon:F6}")
                    : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{record.Start:yyyy-MM-dd'T'HH:mm:sszzz}  {record.Kind,-16} {place,-22} {record.Title ?? ""}"));
            }

            if (page.NextCursor is not null)
            {
                Console.Error.WriteLine($"More records: --cursor {page.NextCursor}");
            }

            return 0;
        });
        return command;
    }
}
