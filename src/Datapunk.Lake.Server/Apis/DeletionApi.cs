using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Deletion;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

/// <summary>
/// Deletion (scope delete): DELETE /v1/datasets/{name}, /v1/imports/{id} and /v1/records (by time range or ids).
/// Add <c>?dryRun=true</c> to get the counts first. A constrained token deletes only records inside its constraints.
/// </summary>
public static class DeletionApi
{
    public static IEndpointRouteBuilder MapDeletionApi(this IEndpointRouteBuilder app)
    {
        app.MapDelete("/v1/datasets/{**name}", (string name, bool? dryRun, bool? allowReimport, HttpContext http, Lake lake, CancellationToken cancellationToken) =>
            RunAsync(new DeletionRequest(Dataset: name, AllowReimport: allowReimport == true), dryRun == true, http, lake, cancellationToken))
            .RequireScope(TokenScopes.Delete).FiltersByTokenScope();
        app.MapDelete("/v1/imports/{id}", (string id, bool? dryRun, bool? allowReimport, HttpContext http, Lake lake, CancellationToken cancellationToken) =>
            RunAsync(new DeletionRequest(ImportId: id, AllowReimport: allowReimport == true), dryRun == true, http, lake, cancellationToken))
            .RequireScope(TokenScopes.Delete).FiltersByTokenScope();
        app.MapDelete("/v1/records", DeleteRecordsAsync).RequireScope(TokenScopes.Delete).FiltersByTokenScope();
        return app;
    }

    private static Task<Results<Ok<DeletionResult>, ProblemHttpResult>> DeleteRecordsAsync(
        string? from, string? to, string? ids, string? dataset, bool? dryRun, bool? allowReimport, HttpContext http, Lake lake, CancellationToken cancellationToken)
    {
        if (!TryParseTime(from, out var start) || !TryParseTime(to, out var end))
        {
            return Task.FromResult<Results<Ok<DeletionResult>, ProblemHttpResult>>(
                Problems.BadRequest("Invalid time", $"Invalid time range '{from}' to '{to}'. Use ISO 8601 dates or times, such as 2023-05-01 or 2023-05-01T08:00:00+02:00."));
        }

        var recordIds = ids?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var request = new DeletionRequest(Dataset: dataset, From: start, To: end, RecordIds: recordIds, AllowReimport: allowReimport == true);
        if (request.IsEmpty)
        {
            return Task.FromResult<Results<Ok<DeletionResult>, ProblemHttpResult>>(
                Problems.BadRequest("No filter", "Say what to delete: 'from' and 'to' (a time range), 'ids' (comma-separated record ids) or 'dataset'."));
        }

        return RunAsync(request, dryRun == true, http, lake, cancellationToken);
    }

    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = parsed;
        return true;
    }

    private static async Task<Results<Ok<DeletionResult>, ProblemHttpResult>> RunAsync(DeletionRequest request, bool dryRun, HttpContext http, Lake lake, CancellationToken cancellationToken)
    {
        var scope = LakeAuthorization.AccessScopeOf(http);
        if (request.IsWholeDataset && scope is not null && (!scope.AllowsDataset(request.Dataset!) || scope.Kinds.Count > 0 || scope.From is not null || scope.To is not null))
        {
            return TypedResults.Problem("This token's constraints do not cover the whole dataset, so it cannot delete it.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        var result = dryRun
            ? await lake.Control.Deletion.PreviewAsync(request, scope, cancellationToken)
            : await lake.Control.Deletion.DeleteAsync(request, scope, cancellationToken);
        http.Items[AccessMiddleware.AuditTargetItem] = $"{request.Describe()} dryRun={dryRun} records={result.Records} blobs={result.Blobs}";
        return TypedResults.Ok(result);
    }
}
