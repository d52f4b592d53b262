using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

/// <summary>The audit log: page through entries, and verify the hash chain. Admin only.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/v1/audit").RequireScope(TokenScopes.Admin);
        audit.MapGet("/", List);
        audit.MapGet("/verify", Verify);
        return app;
    }

    /// <param name="after">Return entries after this sequence number (the <c>next</c> value of the previous page).</param>
    private static Results<Ok<AuditPage>, ProblemHttpResult> List(Lake lake, long? after, int? limit)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.BadRequest("Invalid limit", $"Invalid 'limit' value '{limit}'. Use a number from 1 to 1000.");
        }

        var pageSize = limit ?? 100;
        var entries = lake.Control.Audit.Page(after ?? 0, pageSize);
        long? next = entries.Count == pageSize ? entries[^1].Sequence : null;
        return TypedResults.Ok(new AuditPage(entries, next));
    }

    private static Ok<AuditVerification> Verify(Lake lake) => TypedResults.Ok(lake.Control.Audit.Verify());
}

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? Next);
