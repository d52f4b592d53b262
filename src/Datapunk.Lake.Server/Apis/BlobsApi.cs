using Datapunk.Lake.Blobs;
using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Sovereignty.Access;
using Microsoft.Net.Http.Headers;

namespace Datapunk.Lake.Server.Apis;

/// <summary>The original bytes of every stored file, by SHA-256.</summary>
public static class BlobsApi
{
    public static IEndpointRouteBuilder MapBlobsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/blobs/{sha256}", GetAsync).FiltersByTokenScope();
        return app;
    }

    private static async Task<IResult> GetAsync(string sha256, Lake lake, CancellationToken cancellationToken)
    {
        if (!BlobHash.IsValid(sha256))
        {
            return Problems.BadRequest("Invalid blob hash", $"'{sha256}' is not a blob hash. Use the 64 lower-case hex digits of its SHA-256, as given in a record's provenance.");
        }

        // A blob outside the token's constraints answers like a missing one, so its existence does not leak.
        if (!lake.Control.IsBlobVisible(sha256, AccessScope.Current))
        {
            return Problems.NotFound($"No blob has the hash {sha256}.");
        }

        var content = await lake.Blobs.OpenReadAsync(sha256, cancellationToken);
        if (content is null)
        {
            return Problems.NotFound($"No blob has the hash {sha256}.");
        }

        // The content never changes for a given hash, so the hash is a strong entity tag.
        return Results.Stream(content, "application/octet-stream", entityTag: new EntityTagHeaderValue($"\"{sha256}\""), enableRangeProcessing: true);
    }
}
