using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Export;
using Microsoft.AspNetCore.Http.Features;

namespace Datapunk.Lake.Server.Apis;

/// <summary>POST /v1/exports: streams an export archive (zip) of what the token may see, filtered by the request.</summary>
public static class ExportsApi
{
    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/exports", ExportAsync).RequireScope(TokenScopes.Export).FiltersByTokenScope();
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, Lake lake, ExportRequest? request, CancellationToken cancellationToken)
    {
        var filter = new ExportFilter
        {
            Datasets = request?.Datasets ?? [],
            Kinds = request?.Kinds ?? [],
            From = request?.From,
            To = request?.To,
        };
        if (filter.From is { } from && filter.To is { } to && from >= to)
        {
            return Problems.BadRequest("Invalid time range", $"'from' ({from:O}) must be before 'to' ({to:O}).");
        }

        // ZipArchive writes its central directory synchronously when it closes.
        if (http.Features.Get<IHttpBodyControlFeature>() is { } body)
        {
            body.AllowSynchronousIO = true;
        }

        http.Response.ContentType = "application/zip";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"lake-export-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.zip\"";
        await lake.Control.Exporter.ExportAsync(http.Response.Body, filter, cancellationToken);
        return Results.Empty;
    }
}

/// <summary>
/// The JSON body of POST /v1/exports. Every field is optional, and an absent one does not filter. These are init
/// properties, not record parameters, because the OpenAPI generator (Microsoft.AspNetCore.OpenApi for .NET 10) marks every record parameter as required.
/// </summary>
public sealed record ExportRequest
{
    /// <summary>Dataset names, such as <c>google/location-history/owner</c>.</summary>
    public IReadOnlyList<string>? Datasets { get; init; }

    /// <summary>Record kinds, such as <c>location</c>.</summary>
    public IReadOnlyList<string>? Kinds { get; init; }

    /// <summary>The start of the time range (inclusive), with an offset.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>The end of the time range (exclusive), with an offset.</summary>
    public DateTimeOffset? To { get; init; }
}
