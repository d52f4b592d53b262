using Datapunk.Lake.Search.Sql;
using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Sovereignty.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

/// <summary>Read-only SQL over documented views, with a time limit and a row cap.</summary>
public static class SqlApi
{
    public const int MaxTimeoutMilliseconds = 30_000;

    public static IEndpointRouteBuilder MapSqlApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/sql", RunAsync)
            .RequireScope(TokenScopes.Read)
            .FiltersByTokenScope()
            .WithTags("SQL")
            .WithSummary("Run one read-only SELECT over the documented views")
            .WithDescription("""
                Views: lake_records, lake_datasets, lake_imports, lake_blobs. Writes, ATTACH, PRAGMA, schema changes,
                transactions and reads of anything but the views are rejected before the statement runs.
                """);
        return app;
    }

    private static async Task<Results<Ok<SqlResult>, ProblemHttpResult>> RunAsync(Lake lake, SqlRequest request, HttpContext http, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Sql))
        {
            return Problems.BadRequest("Missing SQL", "The body has no 'sql'. Send {\"sql\": \"SELECT kind, count(*) FROM lake_records GROUP BY kind\"}.");
        }

        var maxRows = request.MaxRows ?? ReadOnlySqlRunner.DefaultRowCap;
        if (maxRows is < 1 or > ReadOnlySqlRunner.MaxRowCap)
        {
            return Problems.BadRequest("Invalid maxRows", $"Invalid 'maxRows' value {maxRows}. Use a number from 1 to {ReadOnlySqlRunner.MaxRowCap}.");
        }

        var timeout = request.TimeoutMilliseconds ?? (int)ReadOnlySqlRunner.DefaultTimeLimit.TotalMilliseconds;
        if (timeout is < 1 or > MaxTimeoutMilliseconds)
        {
            return Problems.BadRequest("Invalid timeoutMilliseconds", $"Invalid 'timeoutMilliseconds' value {timeout}. Use a number from 1 to {MaxTimeoutMilliseconds}.");
        }

        try
        {
            var result = await Task.Run(() => lake.Sql.Run(request.Sql, maxRows, TimeSpan.FromMilliseconds(timeout), cancellationToken, LakeAuthorization.AccessScopeOf(http)), cancellationToken);
            return TypedResults.Ok(result);
        }
        catch (SqlRejectedException exception)
        {
            return Problems.BadRequest(exception.TimedOut ? "Query timed out" : "Query rejected", exception.Message);
        }
    }
}
