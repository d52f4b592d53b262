using System.Globalization;
using Datapunk.Lake.Search;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Server.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

/// <summary>Finds records by words, meaning and place.</summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/search").FiltersByTokenScope().WithTags("Search");
        group.MapGet("", SearchAsync)
            .WithSummary("Search records by text, meaning or both")
            .WithDescription("""
                mode=text (default) searches titles, text and URLs: words must all occur, "a phrase" in quotes, walk* for a prefix,
                OR between alternatives, -word to exclude. mode=semantic ranks records by the meaning of q (sentence embeddings,
                computed on this machine). mode=hybrid merges both rankings by reciprocal rank fusion.
                """);
        group.MapGet("/place", SearchPlaceAsync)
            .WithSummary("Records within a radius of a point or inside a bounding box")
            .WithDescription("Give lat, lon and radius (metres), or bbox=minLon,minLat,maxLon,maxLat, or both. sort=distance (needs a point) or time. kind=visit finds visits near a point.");
        return app;
    }

    private static async Task<Results<Ok<SearchPageView>, ProblemHttpResult>> SearchAsync(
        Lake lake, string? q, string? mode, string? kind, string? dataset, string? from, string? to, string? limit, string? cursor,
        CancellationToken cancellationToken)
    {
        var searchMode = SearchMode.Text;
        if (mode is not null && !Enum.TryParse(mode, ignoreCase: true, out searchMode) || !Enum.IsDefined(searchMode))
        {
            return Problems.BadRequest("Invalid search mode", $"Invalid 'mode' value '{mode}'. Use text, semantic or hybrid.");
        }

        var filter = SearchFilterParser.TryParse(from, to, kind, dataset, out var error);
        if (filter is null)
        {
            return Problems.BadRequest("Invalid search filter", error!);
        }

        if (!TryParseLimit(limit, SearchService.DefaultLimit, out var pageSize, out error))
        {
            return Problems.BadRequest("Invalid limit", error!);
        }

        try
        {
            var page = await lake.Search.SearchAsync(
                new SearchRequest { Query = q ?? "", Mode = searchMode, Filter = filter, Limit = pageSize, Cursor = cursor },
                cancellationToken);
            return TypedResults.Ok(new SearchPageView(searchMode, page.Items.Select(SearchHitView.From).ToList(), page.NextCursor));
        }
        catch (InvalidSearchException exception)
        {
            return Problems.BadRequest("Invalid search", exception.Message);
        }
    }

    private static async Task<Results<Ok<PlacePageView>, ProblemHttpResult>> SearchPlaceAsync(
        Lake lake, string? lat, string? lon, string? radius, string? bbox, string? sort, string? kind, string? dataset,
        string? from, string? to, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!TryParseNumber("lat", lat, out var latitude, out var error)
            || !TryParseNumber("lon", lon, out var longitude, out error)
            || !TryParseNumber("radius", radius, out var radiusMeters, out error))
        {
            return Problems.BadRequest("Invalid place query", error!);
        }

        var placeSort = PlaceSort.Distance;
        if (sort is not null && !Enum.TryParse(sort, ignoreCase: true, out placeSort) || !Enum.IsDefined(placeSort))
        {
            return Problems.BadRequest("Invalid sort", $"Invalid 'sort' value '{sort}'. Use distance or time.");
        }

        // The record query parser validates the box; its other parameters stay unset here.
        var boxQuery = RecordQueryParser.TryParse(null, null, null, null, bbox, null, null, out error);
        var filter = boxQuery is null ? null : SearchFilterParser.TryParse(from, to, kind, dataset, out error);
        if (boxQuery is null || filter is null)
        {
            return Problems.BadRequest("Invalid place query", error!);
        }

        if (!TryParseLimit(limit, SearchService.DefaultLimit, out var pageSize, out error))
        {
            return Problems.BadRequest("Invalid limit", error!);
        }

        try
        {
            var query = new PlaceQuery
            {
                Latitude = latitude,
                Longitude = longitude,
                RadiusMeters = radiusMeters,
                Box = boxQuery.Box,
                Sort = placeSort,
                Filter = filter,
            };
            var page = await lake.Search.SearchPlaceAsync(query, pageSize, cursor, cancellationToken);
            return TypedResults.Ok(new PlacePageView(page.Items.Select(m => new PlaceHitView(RecordView.From(m.Record), m.DistanceMeters)).ToList(), page.NextCursor));
        }
        catch (InvalidSearchException exception)
        {
            return Problems.BadRequest("Invalid place query", exception.Message);
        }
    }

    internal static bool TryParseLimit(string? text, int defaultLimit, out int limit, out string? error)
    {
        error = null;
        limit = defaultLimit;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit))
        {
            return true;
        }

        error = $"Invalid 'limit' value '{text}'. Use a whole number, such as 20.";
        return false;
    }

    private static bool TryParseNumber(string name, string? text, out double? value, out string? error)
    {
        error = null;
        value = null;
        if (text is null)
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
        {
            value = parsed;
            return true;
        }

        error = $"Invalid '{name}' value '{text}'. Use a decimal number with a dot, such as 48.8584.";
        return false;
    }
}
