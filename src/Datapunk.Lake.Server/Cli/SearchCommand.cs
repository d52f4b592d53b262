using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Datapunk.Lake.Records;
using Datapunk.Lake.Search;
using Datapunk.Lake.Server.Apis;
using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake search</c>: text, semantic, hybrid and place search, printed as a table.</summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var query = new Argument<string?>("query") { Description = "What to look for. Text syntax: words, \"a phrase\", walk*, a OR b, -word.", Arity = ArgumentArity.ZeroOrOne };
        var mode = new Option<string>("--mode") { Description = "text, semantic or hybrid.", DefaultValueFactory = _ => "text" };
        var kind = new Option<string?>("--kind") { Description = "Record kinds, comma-separated (visit, web-visit, …)." };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset names, comma-separated." };
        var from = new Option<string?>("--from") { Description = "Start of the time range (ISO 8601 date or time, inclusive)." };
        var to = new Option<string?>("--to") { Description = "End of the time range (ISO 8601 date or time, exclusive)." };
        var near = new Option<string?>("--near") { Description = "A point as lat,lon in degrees; searches by place instead of text." };
        var radius = new Option<double?>("--radius") { Description = "Radius around --near, in metres." };
        var bbox = new Option<string?>("--bbox") { Description = "Area as minLon,minLat,maxLon,maxLat in degrees; searches by place." };
        var sort = new Option<string>("--sort") { Description = "Place results: distance (needs --near) or time.", DefaultValueFactory = _ => "distance" };
        var limit = new Option<int>("--limit") { Description = $"Results per page, 1 to {SearchService.MaxLimit}.", DefaultValueFactory = _ => SearchService.DefaultLimit };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the page that printed this cursor." };
        var json = new Option<bool>("--json") { Description = "Print one JSON result per line (NDJSON) instead of a table." };
        var command = new Command("search", "Find records by words, meaning or place.")
        {
            query, mode, kind, dataset, from, to, near, radius, bbox, sort, limit, cursor, json,
        };

        LocalAudit.SetAction(command, "GET /v1/search/", async (result, audit, cancellationToken) =>
        {
            var byPlace = result.GetValue(near) is not null || result.GetValue(bbox) is not null;
            audit.Action = byPlace ? "GET /v1/search/place" : "GET /v1/search/";
            audit.Target = byPlace
                ? LocalAudit.Describe(("near", result.GetValue(near)), ("radius", result.GetValue(radius)), ("bbox", result.GetValue(bbox)), ("sort", result.GetValue(sort)),
                    ("kind", result.GetValue(kind)), ("dataset", result.GetValue(dataset)), ("from", result.GetValue(from)), ("to", result.GetValue(to)), ("limit", result.GetValue(limit)))
                : LocalAudit.Describe(("q", result.GetValue(query)), ("mode", result.GetValue(mode)),
                    ("kind", result.GetValue(kind)), ("dataset", result.GetValue(dataset)), ("from", result.GetValue(from)), ("to", result.GetValue(to)), ("limit", result.GetValue(limit)));
            audit.Result = "invalid arguments";

            var filter = SearchFilterParser.TryParse(result.GetValue(from), result.GetValue(to), result.GetValue(kind), result.GetValue(dataset), out var error);
            if (filter is null)
            {
                Console.Error.WriteLine(error);
                return 1;
            }

            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            try
            {
                if (byPlace)
                {
                    return await SearchPlaceAsync(lake, result.GetValue(near), result.GetValue(radius), result.GetValue(bbox), result.GetValue(sort)!,
                        filter, result.GetValue(limit), result.GetValue(cursor), result.GetValue(json), audit, cancellationToken);
                }

                if (!Enum.TryParse<SearchMode>(result.GetValue(mode), ignoreCase: true, out var searchMode) || !Enum.IsDefined(searchMode))
                {
                    Console.Error.WriteLine($"Invalid --mode '{result.GetValue(mode)}'. Use text, semantic or hybrid.");
                    return 1;
                }

                if (searchMode != SearchMode.Text && await lake.Search.Index.CountPendingEmbeddingsAsync(cancellationToken) is > 0 and var pending)
                {
                    Console.Error.WriteLine($"{pending} records have no embedding yet and cannot be found by meaning; run 'lake embed' first.");
                }

                var page = await lake.Search.SearchAsync(new SearchRequest
                {
                    Query = result.GetValue(query) ?? "",
                    Mode = searchMode,
                    Filter = filter,
                    Limit = result.GetValue(limit),
                    Cursor = result.GetValue(cursor),
                }, cancellationToken);
                audit.Result = string.Create(CultureInfo.InvariantCulture, $"{page.Items.Count} results");

                var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
                var rank = 0;
                foreach (var hit in page.Items)
                {
                    rank++;
                    if (result.GetValue(json))
                    {
                        Console.WriteLine(JsonSerializer.Serialize(SearchHitView.From(hit), options));
                        continue;
                    }

                    var text = hit.Snippet?.Mark("[", "]") ?? hit.Record.Title ?? hit.Record.Text ?? "";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{rank,3}  {hit.Score,8:0.0000}  {hit.Record.Start:yyyy-MM-dd HH:mm}  {hit.Record.Kind,-14} {OneLine(hit.Record, text)}"));
                }

                PrintNext(page.NextCursor, page.Items.Count);
                return 0;
            }
            catch (InvalidSearchException exception)
            {
                Console.Error.WriteLine(exception.Message);
                return 1;
            }
        });
        return command;
    }

    private static async Task<int> SearchPlaceAsync(
        Lake lake, string? near, double? radius, string? bbox, string sort, SearchFilter filter, int limit, string? cursor, bool json,
        LocalAudit audit, CancellationToken cancellationToken)
    {
        double? latitude = null;
        double? longitude = null;
        if (near is not null)
        {
            var parts = near.Split(',');
            if (parts.Length != 2
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon))
            {
                Console.Error.WriteLine($"Invalid --near '{near}'. Use lat,lon in degrees, such as 48.8584,2.2945.");
                return 1;
            }

            (latitude, longitude) = (lat, lon);
        }

        if (!Enum.TryParse<PlaceSort>(sort, ignoreCase: true, out var placeSort) || !Enum.IsDefined(placeSort))
        {
            Console.Error.WriteLine($"Invalid --sort '{sort}'. Use distance or time.");
            return 1;
        }

        var box = RecordQueryParser.TryParse(null, null, null, null, bbox, null, null, out var error);
        if (box is null)
        {
            Console.Error.WriteLine(error);
            return 1;
        }

        var page = await lake.Search.SearchPlaceAsync(new PlaceQuery
        {
            Latitude = latitude,
            Longitude = longitude,
            RadiusMeters = radius,
            Box = box.Box,
            Sort = placeSort,
            Filter = filter,
        }, limit, cursor, cancellationToken);
        audit.Result = string.Create(CultureInfo.InvariantCulture, $"{page.Items.Count} results");

        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        foreach (var match in page.Items)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new PlaceHitView(RecordView.From(match.Record), match.DistanceMeters), options));
                continue;
            }

            var distance = match.DistanceMeters is { } meters ? string.Create(CultureInfo.InvariantCulture, $"{meters,9:0} m") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{distance,11}  {match.Record.Start:yyyy-MM-dd HH:mm}  {match.Record.Kind,-14} {match.Record.Latitude,10:0.000000},{match.Record.Longitude,-11:0.000000} {OneLine(match.Record, match.Record.Title ?? "")}"));
        }

        PrintNext(page.NextCursor, page.Items.Count);
        return 0;
    }

    private static string OneLine(LakeRecord record, string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 100 ? line[..99] + "…" : line;
    }

    private static void PrintNext(string? cursor, int count)
    {
        if (count == 0)
        {
            Console.Error.WriteLine("No results.");
        }

        if (cursor is not null)
        {
            Console.Error.WriteLine($"More results: --cursor {cursor}");
        }
    }
}
