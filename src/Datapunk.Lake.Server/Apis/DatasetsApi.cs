using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

public static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/datasets", ListAsync).FiltersByTokenScope();
        return app;
    }

    private static async Task<Ok<DatasetList>> ListAsync(Lake lake, CancellationToken cancellationToken) =>
        TypedResults.Ok(new DatasetList(await lake.Records.ListDatasetsAsync(cancellationToken)));
}

public sealed record DatasetList(IReadOnlyList<DatasetSummary> Items);
