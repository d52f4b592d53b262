using System.CommandLine;
using System.Globalization;
using Datapunk.Lake.Sovereignty.Access;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake token create|list|revoke</c>: manage the bearer tokens of the HTTP API.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var command = new Command("token", "Create, list and revoke API tokens.");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(RevokeCommand());
        return command;
    }

    private static Command CreateCommand()
    {
        var name = new Option<string>("--name") { Description = "A name for the token, such as the app that will use it.", Required = true };
        var scope = new Option<string[]>("--scope") { Description = "A right: read, ingest, export, delete or admin. Repeat for several.", Required = true, AllowMultipleArgumentsPerToken = true };
        var dataset = new Option<string[]>("--dataset") { Description = "Limit the token to this dataset. Repeat for several.", AllowMultipleArgumentsPerToken = true };
        var kind = new Option<string[]>("--kind") { Description = "Limit the token to this record kind. Repeat for several.", AllowMultipleArgumentsPerToken = true };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Limit the token to records that start at or after this time (ISO 8601)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Limit the token to records that start before this time (ISO 8601)." };
        var expires = new Option<string?>("--expires") { Description = "Lifetime of the token: a number and d, h or m, such as 30d." };
        var command = new Command("create", "Create a token and print it once; only its hash is stored.") { name, scope, dataset, kind, from, to, expires };
        command.SetAction(async (result, cancellationToken) =>
        {
            TimeSpan? lifetime = null;
            if (result.GetValue(expires) is { } text)
            {
                if (!TokenService.TryParseDuration(text, out var parsed))
                {
                    Console.Error.WriteLine($"Invalid --expires '{text}'. Use a number and a unit: 30d, 12h or 45m.");
                    return 1;
                }

                lifetime = parsed;
            }

            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            CreatedToken created;
            try
            {
                created = await lake.Control.Tokens.CreateAsync(new TokenRequest(result.GetValue(name)!, result.GetValue(scope) ?? [],
                    result.GetValue(dataset), result.GetValue(kind), result.GetValue(from), result.GetValue(to), lifetime), cancellationToken);
            }
            catch (ArgumentException exception)
            {
                Console.Error.WriteLine(exception.Message.Split(" (Parameter", 2)[0]);
                return 1;
            }

            lake.Control.Audit.Append(LocalAudit.ActorId, "token.create", $"token={created.Token.Id} scopes={string.Join(',', created.Token.Scopes)}", "ok");
            Console.Error.WriteLine($"Created token {created.Token.Id}. Copy it now; it is not shown again:");
            Console.WriteLine(created.Secret);
            return 0;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List tokens (never their secrets).");
        command.SetAction(async (result, cancellationToken) =>
        {
            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            foreach (var token in await lake.Control.Tokens.ListAsync(cancellationToken))
            {
                var state = token.RevokedAt is not null ? "revoked" : token.IsActive(DateTimeOffset.UtcNow) ? "active" : "expired";
                var constraints = string.Join(' ', token.Datasets.Select(d => "dataset=" + d).Concat(token.Kinds.Select(k => "kind=" + k))
                    .Concat(token.From is { } f ? [string.Create(CultureInfo.InvariantCulture, $"from={f:O}")] : [])
                    .Concat(token.To is { } t ? [string.Create(CultureInfo.InvariantCulture, $"to={t:O}")] : []));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{token.Id}  {state,-7}  {token.Name,-20} {string.Join(',', token.Scopes),-20} {(token.ExpiresAt is { } e ? "expires " + e.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : ""),-18} {constraints}"));
            }

            return 0;
        });
        return command;
    }

    private static Command RevokeCommand()
    {
        var id = new Argument<string>("id") { Description = "The id of the token, as 'lake token list' prints it." };
        var command = new Command("revoke", "Revoke a token at once.") { id };
        command.SetAction(async (result, cancellationToken) =>
        {
            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            var tokenId = result.GetValue(id)!;
            var revoked = await lake.Control.Tokens.RevokeAsync(tokenId, cancellationToken);
            lake.Control.Audit.Append(LocalAudit.ActorId, "token.revoke", "token=" + tokenId, revoked ? "ok" : "not found");
            if (!revoked)
            {
                Console.Error.WriteLine($"No active token has the id '{tokenId}'. Run 'lake token list'.");
                return 1;
            }

            Console.WriteLine($"Revoked token {tokenId}.");
            return 0;
        });
        return command;
    }
}
