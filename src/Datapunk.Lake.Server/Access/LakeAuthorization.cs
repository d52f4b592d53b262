using Datapunk.Lake.Sovereignty.Access;
using Microsoft.AspNetCore.Authorization;

namespace Datapunk.Lake.Server.Access;

/// <summary>
/// Who may call what. Every path under <c>/v1</c> needs a token; everything else (health, metrics) is open. An
/// endpoint names the right it needs with <see cref="RequireScope"/>; one that names none needs <c>read</c> for GET
/// and HEAD and <c>admin</c> for any other method, so an endpoint added later is closed until it says otherwise.
/// </summary>
/// <remarks>
/// A token with dataset, kind or time constraints may call only endpoints marked with <see cref="FiltersByTokenScope"/>,
/// the ones known to apply the constraints, so a new endpoint cannot leak data to a constrained token by default.
/// </remarks>
public static class LakeAuthorization
{
    public static IServiceCollection AddLakeAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<FailedAuthenticationLimiter>();
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, LakeAccessHandler>();
        services.AddAuthorization(options =>
        {
            options.FallbackPolicy = new AuthorizationPolicyBuilder().AddRequirements(new LakeAccessRequirement(null)).Build();
            foreach (var scope in TokenScopes.All)
            {
                options.AddPolicy(PolicyName(scope), policy => policy.AddRequirements(new LakeAccessRequirement(scope)));
            }
        });
        return services;
    }

    /// <summary>Requires a token with <paramref name="scope"/> (or admin).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PolicyName(scope));

    /// <summary>Marks endpoints that apply a token's dataset, kind and time constraints to all they return.</summary>
    public static TBuilder FiltersByTokenScope<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ConstraintAwareMetadata.Instance);

    /// <summary>The caller's scope, set by the authentication handler; null without a valid token.</summary>
    public static AccessScope? AccessScopeOf(HttpContext http) => http.Items[TokenAuthenticationHandler.ScopeItem] as AccessScope;

    private static string PolicyName(string scope) => "scope:" + scope;

    internal sealed class ConstraintAwareMetadata
    {
        public static readonly ConstraintAwareMetadata Instance = new();
    }
}
