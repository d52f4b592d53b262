using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Sovereignty.Access;

/// <summary>
/// What one caller may see and do: its rights and the constraints on the data they apply to (datasets, kinds and
/// a time range of record start times). An empty constraint list means "all".
/// </summary>
/// <remarks>
/// The HTTP server sets <see cref="Current"/> for each request, and the record store applies it to every query it
/// runs, so an endpoint that reads through the store is filtered without knowing about tokens. Local commands run
/// as the owner: with no current scope, or with an unconstrained one whose <see cref="TokenId"/> names the local
/// command line in the audit log.
/// </remarks>
public sealed record AccessScope
{
    private static readonly AsyncLocal<AccessScope?> Ambient = new();

    public static readonly AccessScope Owner = new() { TokenId = null, Scopes = [TokenScopes.Admin] };

    /// <summary>The scope of the request being served, or null for the local owner.</summary>
    public static AccessScope? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    public string? TokenId { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public IReadOnlyList<string> Datasets { get; init; } = [];

    public IReadOnlyList<string> Kinds { get; init; } = [];

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>True when the token sees every record (no dataset, kind or time constraint).</summary>
    public bool IsUnconstrained => Datasets.Count == 0 && Kinds.Count == 0 && From is null && To is null;

    public bool Has(string scope) =>
        Scopes.Contains(TokenScopes.Admin, StringComparer.Ordinal) || Scopes.Contains(scope, StringComparer.Ordinal);

    /// <summary>True when a record with these values is inside the constraints.</summary>
    public bool Allows(string dataset, string kind, DateTimeOffset start) =>
        (Datasets.Count == 0 || Datasets.Contains(dataset, StringComparer.Ordinal))
        && (Kinds.Count == 0 || Kinds.Contains(kind, StringComparer.Ordinal))
        && (From is null || start >= From)
        && (To is null || start < To);

    public bool AllowsDataset(string dataset) => Datasets.Count == 0 || Datasets.Contains(dataset, StringComparer.Ordinal);

    /// <summary>
    /// Appends " AND …" conditions that keep only records inside the constraints, for a query over the
    /// <c>records</c> table (or an alias of it given by <paramref name="prefix"/>, such as <c>"r."</c>).
    /// </summary>
    public void AppendRecordFilter(StringBuilder sql, SqliteCommand command, string prefix = "")
    {
        AppendIn(sql, command, prefix + "dataset", "$scopeDataset", Datasets);
        AppendIn(sql, command, prefix + "kind", "$scopeKind", Kinds);
        if (From is { } from)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {prefix}start_ms >= $scopeFrom");
            command.Parameters.AddWithValue("$scopeFrom", from.ToUnixTimeMilliseconds());
        }

        if (To is { } to)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {prefix}start_ms < $scopeTo");
            command.Parameters.AddWithValue("$scopeTo", to.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Returns a SQL condition "EXISTS a record inside the constraints WHERE <paramref name="correlation"/>".</summary>
    public string ExistsRecord(SqliteCommand command, string correlation)
    {
        var sql = new StringBuilder("EXISTS (SELECT 1 FROM records sr WHERE " + correlation);
        AppendRecordFilter(sql, command, "sr.");
        sql.Append(')');
        return sql.ToString();
    }

    private static void AppendIn(StringBuilder sql, SqliteCommand command, string column, string parameter, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        sql.Append(CultureInfo.InvariantCulture, $" AND {column} IN (");
        for (var i = 0; i < values.Count; i++)
        {
            var name = parameter + i.ToString(CultureInfo.InvariantCulture);
            sql.Append(i == 0 ? name : ", " + name);
            if (!command.Parameters.Contains(name))
            {
                command.Parameters.AddWithValue(name, values[i]);
            }
        }

        sql.Append(')');
    }
}
