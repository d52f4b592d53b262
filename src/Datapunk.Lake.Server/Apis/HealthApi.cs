namespace Datapunk.Lake.Server.Apis;

/// <summary>Liveness and readiness, open without a token so that orchestrators can probe them.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "Healthy" }));
        app.MapGet("/health/ready", ReadyAsync);
        app.MapGet("/health", ReadyAsync);
        return app;
    }

    private static async Task<IResult> ReadyAsync(Lake lake, CancellationToken cancellationToken)
    {
        var database = await lake.Records.PingAsync(cancellationToken);
        var blobs = await lake.Blobs.IsWritableAsync(cancellationToken);
        var healthy = database && blobs;
        var body = new
        {
            status = healthy ? "Healthy" : "Unhealthy",
            checks = new
            {
                database = new { status = database ? "Healthy" : "Unhealthy" },
                blobStore = new { status = blobs ? "Healthy" : "Unhealthy" },
            },
        };
        return healthy ? Results.Json(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
