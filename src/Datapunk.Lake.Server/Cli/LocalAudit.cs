using System.CommandLine;
using System.Globalization;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Audit;

namespace Datapunk.Lake.Server.Cli;

/// <summary>
/// The audit entry of one local command that reads, adds, exports or deletes data. The command runs as the owner,
/// and the entry names it as <see cref="ActorId"/> (<c>local-cli:</c> and the OS user name) in place of a token id,
/// with the action of the matching HTTP request (such as <c>GET /v1/records</c>), a target and the outcome.
/// </summary>
/// <remarks>
/// The entry is appended when the command ends, whether it succeeded, failed or threw. A command that fails before
/// it opens the lake (an invalid argument) is audited only when the data directory already contains an audit log,
/// so a mistyped command never creates a lake. The ambient <see cref="AccessScope.Current"/> is an unconstrained
/// scope with <see cref="ActorId"/> while the command runs, so the entries that deletion and export append themselves
/// name the same actor.
/// </remarks>
internal sealed class LocalAudit
{
    /// <summary>The first part of <see cref="ActorId"/>.</summary>
    public const string ActorPrefix = "local-cli";

    private readonly ParseResult _parseResult;
    private Lake? _lake;

    private LocalAudit(ParseResult parseResult, string action)
    {
        _parseResult = parseResult;
        Action = action;
    }

    /// <summary>The actor of local commands in the token id column: <c>local-cli:USER</c>, never a secret.</summary>
    public static string ActorId { get; } = ActorPrefix + ":" + Environment.UserName;

    /// <summary>The HTTP request's <c>METHOD route</c> that does the same, or a command name when there is none.</summary>
    public string Action { get; set; }

    /// <summary>Datasets, ids, filters and files: names and counts, never record content.</summary>
    public string? Target { get; set; }

    /// <summary>Counts or the reason of a failure, appended to the outcome.</summary>
    public string? Result { get; set; }

    /// <summary>The first word of the outcome; by default <c>ok</c> for exit code 0 and <c>failed</c> otherwise.</summary>
    public string? Status { get; set; }

    /// <summary>Sets <paramref name="run"/> as the action of <paramref name="command"/>, audited as <paramref name="action"/>.</summary>
    public static void SetAction(Command command, string action, Func<ParseResult, LocalAudit, CancellationToken, Task<int>> run)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var audit = new LocalAudit(parseResult, action);
            AccessScope.Current = AccessScope.Owner with { TokenId = ActorId };
            try
            {
                var exitCode = await run(parseResult, audit, cancellationToken);
                var status = audit.Status ?? (exitCode == 0 ? "ok" : "failed");
                audit.Append(string.Create(CultureInfo.InvariantCulture, $"{status} exit {exitCode}"));
                return exitCode;
            }
            catch (OperationCanceledException)
            {
                audit.TryAppend("cancelled");
                throw;
            }
            catch (Exception exception)
            {
                audit.TryAppend("failed: " + exception.GetType().Name);
                throw;
            }
            finally
            {
                AccessScope.Current = null;
            }
        });
    }

    /// <summary>Joins the given names and values as <c>name=value</c>, leaving out empty values.</summary>
    public static string? Describe(params (string Name, object? Value)[] parts)
    {
        var text = string.Join(' ', parts
            .Select(part => (part.Name, Value: part.Value switch
            {
                null => null,
                DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
                IEnumerable<string> values => string.Join(',', values),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                var value => value.ToString(),
            }))
            .Where(part => !string.IsNullOrEmpty(part.Value))
            .Select(part => $"{part.Name}={AuditTargetText.Value(part.Name, part.Value!)}"));
        return text.Length == 0 ? null : text;
    }

    /// <summary>Opens the lake for the command, so that the entry goes to its audit log.</summary>
    public async Task<Lake> OpenLakeAsync(string? account, CancellationToken cancellationToken)
    {
        _lake = await LakeCommandLine.OpenLakeAsync(_parseResult, account, cancellationToken);
        return _lake;
    }

    private void Append(string outcome)
    {
        var log = _lake?.Control.Audit ?? ExistingLog();
        log?.Append(ActorId, Action, Target, Result is null ? outcome : outcome + ": " + Result);
    }

    /// <summary>Appends the entry of a command that threw, and reports a failure to append without hiding the first error.</summary>
    private void TryAppend(string outcome)
    {
        try
        {
            Append(outcome);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine($"Writing the audit entry failed: {exception.Message} Check that {AuditLog.DatabaseFileName} and audit-head in the data directory are writable.");
        }
    }

    /// <summary>The audit log of the data directory when a lake is already there, else null.</summary>
    private AuditLog? ExistingLog()
    {
        var dataDirectory = LakeOptions.ResolveDataDirectory(_parseResult.GetValue(LakeCommandLine.DataDirectory));
        return File.Exists(Path.Combine(dataDirectory, AuditLog.DatabaseFileName)) ? AuditLog.InDataDirectory(dataDirectory) : null;
    }
}
