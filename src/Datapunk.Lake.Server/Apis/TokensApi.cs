using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Sovereignty.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

/// <summary>Tokens: create (the secret is returned once), list and revoke. Admin only.</summary>
public static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/v1/tokens").RequireScope(TokenScopes.Admin);
        tokens.MapPost("/", CreateAsync);
        tokens.MapGet("/", ListAsync);
        tokens.MapDelete("/{id}", RevokeAsync);
        return app;
    }

    private static async Task<Results<Created<CreatedTokenView>, ProblemHttpResult>> CreateAsync(TokenCreateRequest request, Lake lake, HttpContext http, CancellationToken cancellationToken)
    {
        TimeSpan? lifetime = null;
        if (request.Expires is { } expires)
        {
            if (!TokenService.TryParseDuration(expires, out var parsed))
            {
                return Problems.BadRequest("Invalid expiry", $"Invalid 'expires' value '{expires}'. Use a number and a unit: 30d, 12h or 45m.");
            }

            lifetime = parsed;
        }

        CreatedToken created;
        try
        {
            created = await lake.Control.Tokens.CreateAsync(
                new TokenRequest(request.Name ?? "", request.Scopes ?? [], request.Datasets, request.Kinds, request.From, request.To, lifetime), cancellationToken);
        }
        catch (ArgumentException exception)
        {
            return Problems.BadRequest("Invalid token request", exception.Message.Split(" (Parameter", 2)[0]);
        }

        http.Items[AccessMiddleware.AuditTargetItem] = "token=" + created.Token.Id;
        lake.Control.Audit.Append(LakeAuthorization.AccessScopeOf(http)?.TokenId, "token.create", $"token={created.Token.Id} scopes={string.Join(',', created.Token.Scopes)}", "ok");
        return TypedResults.Created($"/v1/tokens/{created.Token.Id}", new CreatedTokenView(created.Token, created.Secret));
    }

    private static async Task<Ok<TokenList>> ListAsync(Lake lake, CancellationToken cancellationToken) =>
        TypedResults.Ok(new TokenList(await lake.Control.Tokens.ListAsync(cancellationToken)));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, Lake lake, HttpContext http, CancellationToken cancellationToken)
    {
        var revoked = await lake.Control.Tokens.RevokeAsync(id, cancellationToken);
        lake.Control.Audit.Append(LakeAuthorization.AccessScopeOf(http)?.TokenId, "token.revoke", "token=" + id, revoked ? "ok" : "not found");
        return revoked ? TypedResults.NoContent() : Problems.NotFound($"No active token has the id '{id}'. List tokens with GET /v1/tokens.");
    }
}

/// <param name="Expires">A lifetime such as 30d, 12h or 45m; none means the token does not expire.</param>
public sealed record TokenCreateRequest(
    string? Name,
    IReadOnlyList<string>? Scopes,
    IReadOnlyList<string>? Datasets,
    IReadOnlyList<string>? Kinds,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Expires);

public sealed record CreatedTokenView(AccessToken Token, string Secret);

public sealed record TokenList(IReadOnlyList<AccessToken> Items);
