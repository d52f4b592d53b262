using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Retention;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

/// <summary>Retention policies: list, set, remove, preview and run. Admin only; every change and run is audited.</summary>
public static class RetentionApi
{
    public static IEndpointRouteBuilder MapRetentionApi(this IEndpointRouteBuilder app)
    {
        var retention = app.MapGroup("/v1/retention").RequireScope(TokenScopes.Admin).WithTags("Retention");
        retention.MapGet("/", List).WithSummary("Every retention policy");
        retention.MapPut("/", Set)
            .WithSummary("Add a policy, or change the maximum age of the one for the same dataset and kind")
            .WithDescription("Body: {\"dataset\": \"google/location-history/owner\", \"kind\": \"location\", \"maxAgeDays\": 365}; dataset or kind may be left out, not both.");
        retention.MapDelete("/{id:long}", Remove).WithSummary("Remove a policy");
        retention.MapPost("/preview", PreviewAsync).WithSummary("What a run would delete now, per policy; changes nothing");
        retention.MapPost("/run", RunAsync).WithSummary("Delete every record older than its policy allows, now");
        return app;
    }

    private static Ok<RetentionPolicyList> List(Lake lake) => TypedResults.Ok(new RetentionPolicyList(lake.Control.Retention.List()));

    private static Results<Ok<RetentionPolicy>, ProblemHttpResult> Set(RetentionPolicyRequest request, Lake lake, HttpContext http)
    {
        if (request.MaxAgeDays is not { } days)
        {
            return Problems.BadRequest("Missing maxAgeDays", "The body has no 'maxAgeDays'. Send {\"kind\": \"location\", \"maxAgeDays\": 365}.");
        }

        try
        {
            return TypedResults.Ok(lake.Control.Retention.Set(Blank(request.Dataset), Blank(request.Kind), days, LakeAuthorization.AccessScopeOf(http)?.TokenId));
        }
        catch (ArgumentException exception)
        {
            return Problems.BadRequest("Invalid retention policy", exception.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static Results<NoContent, ProblemHttpResult> Remove(long id, Lake lake, HttpContext http) =>
        lake.Control.Retention.Remove(id, LakeAuthorization.AccessScopeOf(http)?.TokenId)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No retention policy has the id {id}. List them with GET /v1/retention.");

    private static async Task<Ok<RetentionRunView>> PreviewAsync(Lake lake, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RetentionRunView(await lake.Control.Retention.PreviewAsync(cancellationToken)));

    private static async Task<Ok<RetentionRunView>> RunAsync(Lake lake, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RetentionRunView(await lake.Control.Retention.RunAsync(LakeAuthorization.AccessScopeOf(http)?.TokenId, cancellationToken)));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <param name="MaxAgeDays">Records that start more than this many days ago are deleted.</param>
public sealed record RetentionPolicyRequest(string? Dataset, string? Kind, int? MaxAgeDays);

public sealed record RetentionPolicyList(IReadOnlyList<RetentionPolicy> Items);

/// <summary>The outcome of each policy in one preview or run.</summary>
public sealed record RetentionRunView(IReadOnlyList<RetentionOutcome> Items);
