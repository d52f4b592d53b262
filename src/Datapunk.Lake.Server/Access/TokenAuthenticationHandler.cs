using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Datapunk.Lake.Sovereignty.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Datapunk.Lake.Server.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer dpl_…</c> against the lake's tokens. A missing or invalid token gets 401,
/// a token without the right gets 403, both with a problem-details body that shows no data.
/// </summary>
public sealed class TokenAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "LakeToken";

    /// <summary>The key of the caller's <see cref="AccessScope"/> in <see cref="HttpContext.Items"/>.</summary>
    public const string ScopeItem = "lake.access-scope";

    private const string RetryAfterItem = "lake.retry-after";

    private readonly Lake _lake;
    private readonly FailedAuthenticationLimiter _limiter;

    public TokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Lake lake, FailedAuthenticationLimiter limiter)
        : base(options, logger, encoder)
    {
        _lake = lake;
        _limiter = limiter;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var address = Context.Connection.RemoteIpAddress;
        if (_limiter.RetryAfter(address) is { } wait)
        {
            Context.Items[RetryAfterItem] = wait;
            return Task.FromResult(AuthenticateResult.Fail("Too many failed authentications from this address."));
        }

        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            _limiter.RecordFailure(address);
            return Task.FromResult(AuthenticateResult.Fail("The Authorization header is not a bearer token."));
        }

        var token = _lake.Control.Tokens.Authenticate(header["Bearer ".Length..].Trim());
        if (token is null)
        {
            _limiter.RecordFailure(address);
            return Task.FromResult(AuthenticateResult.Fail("The token is invalid, expired or revoked."));
        }

        var scope = token.ToScope();
        Context.Items[ScopeItem] = scope;
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, token.Id), new(ClaimTypes.Name, token.Name) };
        claims.AddRange(token.Scopes.Select(s => new Claim("scope", s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[RetryAfterItem] is TimeSpan wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many failed authentications",
                $"This address sent too many invalid tokens. Wait {seconds} s, then send a valid token.");
            return;
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required",
            "Send a valid token as 'Authorization: Bearer dpl_…'. The owner token is in the file 'owner-token' in the data directory; create others with 'lake token create'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden",
            "This token does not have the right for this request, or its constraints do not allow it. Ask the owner for a token with the needed scope.");

    private Task WriteProblemAsync(int status, string title, string detail) =>
        Results.Problem(detail, statusCode: status, title: title).ExecuteAsync(Context);
}
