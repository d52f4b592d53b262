using System.Globalization;
using Datapunk.Lake.Search;
using Datapunk.Lake.Server.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

/// <summary>Counts over time for timelines and charts, and "on this day" across years.</summary>
public static class TimelineApi
{
    public static IEndpointRouteBuilder MapTimelineApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/timeline").FiltersByTokenScope().WithTags("Timeline");
        group.MapGet("", CountAsync)
            .WithSummary("Record counts per day, week or month and kind")
            .WithDescription("Periods follow each record's local date as its source gave it. A week starts on Monday; a period is named by its first day.");
        group.MapGet("/on-this-day", OnThisDayAsync)
            .WithSummary("Records of one calendar day in every year, newest year first")
            .WithDescription("date=MM-DD (default: today in UTC).");
        return app;
    }

    private static async Task<Results<Ok<TimelinePageView>, ProblemHttpResult>> CountAsync(
        Lake lake, string? interval, string? kind, string? dataset, string? from, string? to, string? limit, string? cursor,
        CancellationToken cancellationToken)
    {
        var period = TimeInterval.Day;
        if (interval is not null && !Enum.TryParse(interval, ignoreCase: true, out period) || !Enum.IsDefined(period))
        {
            return Problems.BadRequest("Invalid interval", $"Invalid 'interval' value '{interval}'. Use day, week or month.");
        }

        var filter = SearchFilterParser.TryParse(from, to, kind, dataset, out var error);
        if (filter is null)
        {
            return Problems.BadRequest("Invalid timeline filter", error!);
        }

        if (!SearchApi.TryParseLimit(limit, 1000, out var pageSize, out error))
        {
            return Problems.BadRequest("Invalid limit", error!);
        }

        try
        {
            var page = await lake.Search.TimelineAsync(period, filter, pageSize, cursor, cancellationToken);
            return TypedResults.Ok(new TimelinePageView(period, page.Items, page.NextCursor));
        }
        catch (InvalidSearchException exception)
        {
            return Problems.BadRequest("Invalid timeline query", exception.Message);
        }
    }

    private static async Task<Results<Ok<OnThisDayPageView>, ProblemHttpResult>> OnThisDayAsync(
        Lake lake, string? date, string? kind, string? dataset, string? limit, string? cursor,
        CancellationToken cancellationToken)
    {
        var day = DateTimeOffset.UtcNow.ToString("MM-dd", CultureInfo.InvariantCulture);
        if (date is not null)
        {
            var parts = date.Split('-');
            if (parts.Length != 2 || parts[0].Length != 2 || parts[1].Length != 2)
            {
                return Problems.BadRequest("Invalid date", $"Invalid 'date' value '{date}'. Use MM-DD, such as 05-14.");
            }

            day = date;
        }

        var filter = SearchFilterParser.TryParse(null, null, kind, dataset, out var error);
        if (filter is null)
        {
            return Problems.BadRequest("Invalid filter", error!);
        }

        if (!SearchApi.TryParseLimit(limit, SearchService.DefaultLimit, out var pageSize, out error))
        {
            return Problems.BadRequest("Invalid limit", error!);
        }

        if (!int.TryParse(day.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(day.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var dayOfMonth))
        {
            return Problems.BadRequest("Invalid date", $"Invalid 'date' value '{date}'. Use MM-DD, such as 05-14.");
        }

        try
        {
            var page = await lake.Search.OnThisDayAsync(month, dayOfMonth, filter, pageSize, cursor, cancellationToken);
            return TypedResults.Ok(new OnThisDayPageView(day, page.Items.Select(RecordView.From).ToList(), page.NextCursor));
        }
        catch (InvalidSearchException exception)
        {
            return Problems.BadRequest("Invalid on-this-day query", exception.Message);
        }
    }
}
