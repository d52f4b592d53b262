using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

/// <summary>Records in time order, filtered by time, kind, dataset and place.</summary>
public static class RecordsApi
{
    public static IEndpointRouteBuilder MapRecordsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/records", QueryAsync).FiltersByTokenScope();
        app.MapGet("/v1/records/{id}", GetAsync).FiltersByTokenScope();
        return app;
    }

    private static async Task<Results<Ok<RecordPageView>, ProblemHttpResult>> QueryAsync(
        Lake lake, string? from, string? to, string? kind, string? dataset, string? bbox, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        int? pageSize = null;
        if (limit is not null)
        {
            if (!int.TryParse(limit, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.BadRequest("Invalid limit", $"Invalid 'limit' value '{limit}'. Use a number from 1 to {RecordQueryParser.MaxLimit}.");
            }

            pageSize = parsed;
        }

        var query = RecordQueryParser.TryParse(from, to, kind, dataset, bbox, pageSize, cursor, out var error);
        if (query is null)
        {
            return Problems.BadRequest("Invalid record query", error!);
        }

        var page = await lake.Records.QueryRecordsAsync(query, cancellationToken);
        return TypedResults.Ok(new RecordPageView(page.Items.Select(RecordView.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<RecordView>, ProblemHttpResult>> GetAsync(string id, Lake lake, CancellationToken cancellationToken)
    {
        var record = await lake.Records.GetRecordAsync(id, cancellationToken);
        return record is null
            ? Problems.NotFound($"No record has the id '{id}'. Find records with GET /v1/records.")
            : TypedResults.Ok(RecordView.From(record));
    }
}
