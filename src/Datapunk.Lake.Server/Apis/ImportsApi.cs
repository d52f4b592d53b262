using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

/// <summary>Imports: upload an archive, follow its progress, read its per-file report.</summary>
public static class ImportsApi
{
    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/v1/imports");
        imports.MapPost("/", CreateAsync).RequireScope(TokenScopes.Ingest).FiltersByTokenScope();
        imports.MapGet("/", ListAsync).FiltersByTokenScope();
        imports.MapGet("/{id}", GetAsync).FiltersByTokenScope();
        return app;
    }

    /// <summary>
    /// Takes the request body as the archive, streamed into the blob store (never held in memory), and queues its import.
    /// </summary>
    private static async Task<Results<Accepted<ImportView>, ProblemHttpResult>> CreateAsync(
        HttpContext http, Lake lake, ImportQueue queue, ILogger<ImportQueue> logger, string? name, string? account, CancellationToken cancellationToken)
    {
        if (account is not null && !IsValidAccount(account))
        {
            return Problems.BadRequest("Invalid account", $"The account '{account}' may hold only letters, digits and '.', '_', '-', '@', '+' (at most 200 characters).");
        }

        // Takeout archives are often several GB; the default request size limit of 30 MB does not apply here.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        var blob = await lake.Blobs.PutAsync(http.Request.Body, cancellationToken);
        if (blob.Length == 0)
        {
            return Problems.BadRequest("Empty upload", "The request body is empty. Send the archive (a Takeout .zip or .tgz, or a single export file) as the body.");
        }

        await lake.Records.RegisterBlobAsync(blob, cancellationToken);
        var displayName = string.IsNullOrWhiteSpace(name) ? "upload-" + blob.Sha256[..12] : Path.GetFileName(name);
        var job = ImportJob.Create(displayName, account ?? lake.Options.Account);
        if (blob.Created)
        {
            // The upload is the import's first stored original, as the archive is for lake ingest.
            job.Update(s => s with { FilesStored = 1 });
        }

        Log.UploadStored(logger, job.Id, blob.Sha256, blob.Length);
        await queue.EnqueueAsync(job, new ImportSource(displayName, BlobSha256: blob.Sha256), cancellationToken);
        return TypedResults.Accepted($"/v1/imports/{job.Id}", ImportView.From(job.Summary, files: null));
    }

    private static async Task<Ok<ImportList>> ListAsync(Lake lake, ImportQueue queue, int? limit, CancellationToken cancellationToken)
    {
        var imports = await lake.Records.ListImportsAsync(Math.Clamp(limit ?? 100, 1, 1000), cancellationToken);
        var views = imports.Select(i => ImportView.From(queue.TryGetLive(i.Id) ?? i, files: null)).ToList();
        return TypedResults.Ok(new ImportList(views));
    }

    private static async Task<Results<Ok<ImportView>, ProblemHttpResult>> GetAsync(string id, Lake lake, ImportQueue queue, CancellationToken cancellationToken)
    {
        // The store applies the token's constraints; the live state of a running import does not, so it is shown
        // only to a token without constraints.
        var live = AccessScope.Current is null or { IsUnconstrained: true } ? queue.TryGetLive(id) : null;
        var summary = live ?? await lake.Records.GetImportAsync(id, cancellationToken);
        if (summary is null)
        {
            return Problems.NotFound($"No import has the id '{id}'. List imports with GET /v1/imports.");
        }

        var files = await lake.Records.GetImportFilesAsync(id, cancellationToken);
        return TypedResults.Ok(ImportView.From(summary, files));
    }

    internal static bool IsValidAccount(string account) =>
        account.Length is > 0 and <= 200 && account.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' or '+');
}

public sealed record ImportList(IReadOnlyList<ImportView> Items);

/// <summary>An import as the API shows it.</summary>
public sealed record ImportView(
    string Id,
    string Source,
    string Account,
    ImportState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? SourceBlob,
    ImportProgress Progress,
    ImportCounts Counts,
    IReadOnlyDictionary<string, int>? ParsedByFormat,
    string? Message,
    IReadOnlyList<ImportFileReport>? Files)
{
    public static ImportView From(ImportSummary summary, IReadOnlyList<ImportFileReport>? files) => new(
        summary.Id,
        summary.Source,
        summary.Account,
        summary.State,
        summary.CreatedAt,
        summary.StartedAt,
        summary.FinishedAt,
        summary.SourceBlob,
        new ImportProgress(summary.BytesDone, summary.BytesTotal, summary.FilesDone, summary.RecordsAdded, summary.CurrentFile),
        new ImportCounts(summary.FilesStored, summary.FilesParsed, summary.FilesUnchanged, summary.FilesKept, summary.Errors, summary.RecordsAdded, summary.Duplicates, summary.SkippedDeleted),
        files?.Where(f => f.Outcome == FileOutcome.Parsed && f.Format is not null && !f.Format.StartsWith("archive.", StringComparison.Ordinal))
            .GroupBy(f => f.Format!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
        summary.Message,
        files);
}

/// <param name="CurrentFile">The file being parsed now: bytes and records read so far, committed when the file ends.</param>
public sealed record ImportProgress(long Bytes, long BytesTotal, int Files, long Records, FileProgress? CurrentFile);

/// <param name="DeletedSkipped">Records left out because a deletion before this import left a tombstone for them.</param>
public sealed record ImportCounts(int FilesStored, int FilesParsed, int FilesUnchanged, int FilesKept, int Errors, long RecordsAdded, long DuplicatesSkipped, long DeletedSkipped);
