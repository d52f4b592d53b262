using System.Globalization;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Audit;
using Microsoft.AspNetCore.Authentication;

namespace Datapunk.Lake.Server.Access;

/// <summary>
/// Runs each <c>/v1</c> request under its token's <see cref="AccessScope"/> (so the stores filter by it) and
/// appends one audit entry per request: token id, method and route, target and status.
/// </summary>
/// <remarks>Requests outside <c>/v1</c> (health, metrics) hold no data and are neither scoped nor audited.</remarks>
public sealed class AccessMiddleware
{
    /// <summary>The key in <see cref="HttpContext.Items"/> where an endpoint may put a better audit target (ids, counts).</summary>
    public const string AuditTargetItem = "lake.audit-target";

    private readonly RequestDelegate _next;

    public AccessMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    public async Task InvokeAsync(HttpContext http, Lake lake)
    {
        if (!http.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            await _next(http);
            return;
        }

        // Authentication runs here, before authorization, so the scope is in place for the whole endpoint.
        await http.AuthenticateAsync();
        var scope = LakeAuthorization.AccessScopeOf(http);
        AccessScope.Current = scope;
        try
        {
            await _next(http);
        }
        finally
        {
            AccessScope.Current = null;
            var action = $"{http.Request.Method} {(http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value}";
            var target = http.Items[AuditTargetItem] as string ?? Target(http);
            var status = http.Response.StatusCode;
            var outcome = status switch
            {
                < 400 => "ok",
                401 => "unauthenticated",
                403 => "forbidden",
                429 => "rate-limited",
                _ => "failed",
            };
            lake.Control.Audit.Append(scope?.TokenId, action, target, string.Create(CultureInfo.InvariantCulture, $"{outcome} {status}"));
        }
    }

    /// <summary>The route values and query of the request: ids, datasets and filters, never a body or a search text.</summary>
    private static string? Target(HttpContext http)
    {
        var parts = http.Request.RouteValues.Select(v => $"{v.Key}={v.Value}")
            .Concat(http.Request.Query.Where(q => q.Key != "cursor").Select(q => $"{q.Key}={AuditTargetText.Value(q.Key, q.Value.ToString())}"))
            .ToList();
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }
}
