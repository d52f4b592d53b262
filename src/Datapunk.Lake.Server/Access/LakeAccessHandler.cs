using Datapunk.Lake.Sovereignty.Access;
using Microsoft.AspNetCore.Authorization;

namespace Datapunk.Lake.Server.Access;

/// <summary>Checks <see cref="LakeAccessRequirement"/> against the caller's token; see <see cref="LakeAuthorization"/>.</summary>
internal sealed class LakeAccessHandler : AuthorizationHandler<LakeAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, LakeAccessRequirement requirement)
    {
        if (context.Resource is not HttpContext http)
        {
            return Task.CompletedTask;
        }

        if (!http.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        if (LakeAuthorization.AccessScopeOf(http) is not { } scope)
        {
            return Task.CompletedTask;
        }

        var needed = requirement.Scope ?? (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? TokenScopes.Read : TokenScopes.Admin);
        if (!scope.Has(needed))
        {
            return Task.CompletedTask;
        }

        var filters = http.GetEndpoint()?.Metadata.GetMetadata<LakeAuthorization.ConstraintAwareMetadata>() is not null;
        if (!scope.IsUnconstrained && !filters)
        {
            return Task.CompletedTask;
        }

        context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
