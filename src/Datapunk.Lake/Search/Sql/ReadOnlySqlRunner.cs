using System.Diagnostics;
using System.Globalization;
using System.Text;
using Datapunk.Lake.Sovereignty.Access;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Datapunk.Lake.Search.Sql;

/// <summary>
/// Runs one read-only SELECT against the documented views of the embedded store, with a time limit and a row cap.
/// </summary>
/// <remarks>
/// Three guards, so that no single mistake opens the database to writes:
/// 1. The connection is opened with <c>Mode=ReadOnly</c>, so SQLite itself refuses to write.
/// 2. An authorizer (<c>sqlite3_set_authorizer</c>) runs while the statement is compiled and allows only SELECT,
///    reads of the <see cref="Views"/> (and of the tables behind them, when the read comes from inside a view),
///    SQL functions and recursive CTEs. Writes, ATTACH, PRAGMA, schema changes and transactions fail to compile,
///    so they are rejected before any row is touched.
/// 3. A progress handler interrupts the statement when the time limit has passed, and reading stops at the row cap.
/// For a token with dataset, kind or time constraints, the connection first gets TEMP views of the same names that
/// keep only what the token may see: records inside the constraints, datasets recounted over them, imports that a
/// visible record comes from, and blobs that a visible record comes from or links. Unqualified names resolve to the TEMP schema first, and the authorizer
/// refuses a top-level read of anything in <c>main</c> (such as <c>main.lake_records</c>), so the query cannot
/// reach the unfiltered views.
/// </remarks>
public sealed class ReadOnlySqlRunner
{
    /// <summary>The views a query may read, documented in docs/search.md.</summary>
    public static readonly IReadOnlySet<string> Views = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "lake_records", "lake_datasets", "lake_imports", "lake_blobs",
    };

    public const int DefaultRowCap = 1000;

    public const int MaxRowCap = 10_000;

    public static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(5);

    // Authorizer action codes and results from sqlite3.h.
    private const int SqliteOk = 0;
    private const int SqliteDeny = 1;
    private const int SqliteRead = 20;
    private const int SqliteSelect = 21;
    private const int SqliteFunction = 31;
    private const int SqliteRecursive = 33;
    private const int SqliteInterrupt = 9;
    private const int SqliteAuth = 23;

    private static readonly string[] ActionNames =
    [
        "COPY", "CREATE INDEX", "CREATE TABLE", "CREATE TEMP INDEX", "CREATE TEMP TABLE", "CREATE TEMP TRIGGER",
        "CREATE TEMP VIEW", "CREATE TRIGGER", "CREATE VIEW", "DELETE", "DROP INDEX", "DROP TABLE", "DROP TEMP INDEX",
        "DROP TEMP TABLE", "DROP TEMP TRIGGER", "DROP TEMP VIEW", "DROP TRIGGER", "DROP VIEW", "INSERT", "PRAGMA",
        "READ", "SELECT", "TRANSACTION", "UPDATE", "ATTACH", "DETACH", "ALTER TABLE", "REINDEX", "ANALYZE",
        "CREATE VIRTUAL TABLE", "DROP VIRTUAL TABLE", "FUNCTION", "SAVEPOINT", "RECURSIVE",
    ];

    // Functions that could reach outside the views or change the connection, even though the
    // bundled SQLite build disables most of them.
    private static readonly HashSet<string> DeniedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "load_extension", "fts3_tokenizer", "readfile", "writefile", "edit",
    };

    // Table-valued functions that only read the JSON passed to them, such as json_each(attributes).
    private static readonly HashSet<string> TableFunctions = new(StringComparer.OrdinalIgnoreCase) { "json_each", "json_tree" };

    private readonly string _connectionString;

    public ReadOnlySqlRunner(string databasePath)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,

            // A pooled connection would carry this runner's authorizer and progress handler into other code.
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString();
    }

    /// <exception cref="SqlRejectedException">The statement is not a single read-only SELECT over the views, or it ran out of time.</exception>
    /// <param name="scope">The caller's access; null or unconstrained reads every row of the views.</param>
    public SqlResult Run(string sql, int rowCap, TimeSpan timeLimit, CancellationToken cancellationToken, AccessScope? scope = null)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            throw new SqlRejectedException("The statement is empty. Send one SELECT over the views " + string.Join(", ", Views.Order()) + ".");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(rowCap, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowCap, MaxRowCap);

        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var database = connection.Handle!;
        var constrained = scope is not null && !scope.IsUnconstrained;
        if (constrained)
        {
            CreateScopedViews(connection, scope!);
        }

        string? denial = null;
        var readInViews = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var schemaNames = SchemaNames(connection);
        raw.sqlite3_set_authorizer(database, (object _, int action, string first, string second, string database, string view) =>
        {
            var verdict = Authorize(action, first, second, database, view, constrained, readInViews, schemaNames);
            if (verdict is not null)
            {
                denial ??= verdict;
                return SqliteDeny;
            }

            return SqliteOk;
        }, null);

        var stopwatch = Stopwatch.StartNew();
        var cancelled = false;
        raw.sqlite3_progress_handler(database, 1000, _ =>
        {
            if (stopwatch.Elapsed > timeLimit || cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
                return 1;
            }

            return 0;
        }, null);

        // Compile first, outside Microsoft.Data.Sqlite, to see the whole text is one statement and to let the
        // authorizer check it before anything runs.
        CheckSingleStatement(database, sql, ref denial);

        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var rows = new List<object?[]>();
            var truncated = false;
            while (reader.Read())
            {
                if (rows.Count == rowCap)
                {
                    truncated = true;
                    break;
                }

                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                    {
                        byte[] bytes => Convert.ToBase64String(bytes),
                        var value => value,
                    };
                }

                rows.Add(row);
            }

            return new SqlResult(columns, rows, truncated, stopwatch.ElapsedMilliseconds);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteInterrupt && cancelled)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new SqlRejectedException(
                $"The query ran longer than the time limit of {timeLimit.TotalSeconds:0.###} s and was stopped. Narrow it with a WHERE on start_ms, kind or dataset, or add a LIMIT.",
                timedOut: true);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteAuth)
        {
            throw new SqlRejectedException(RejectionMessage(denial));
        }
        catch (SqliteException exception)
        {
            throw new SqlRejectedException($"The query failed: {exception.Message}");
        }
    }

    private static void CheckSingleStatement(sqlite3 database, string sql, ref string? denial)
    {
        var code = raw.sqlite3_prepare_v2(database, sql, out var statement, out var tail);
        using (statement)
        {
            if (code == SqliteAuth)
            {
                throw new SqlRejectedException(RejectionMessage(denial));
            }

            if (code != SqliteOk)
            {
                throw new SqlRejectedException($"The query is not valid SQL: {raw.sqlite3_errmsg(database).utf8_to_string()}");
            }

            if (statement.IsInvalid)
            {
                throw new SqlRejectedException("The statement is empty. Send one SELECT over the views " + string.Join(", ", Views.Order()) + ".");
            }

            if (!string.IsNullOrWhiteSpace(StripComments(tail)))
            {
                throw new SqlRejectedException("Send one statement at a time: the text has more after the first statement's ';'.");
            }

            if (raw.sqlite3_stmt_readonly(statement) == 0)
            {
                throw new SqlRejectedException("Only SELECT statements are allowed; this statement would write.");
            }
        }
    }

    /// <summary>Every table and view name of the main and TEMP schemas; any other name in a read is a CTE or subquery.</summary>
    private static HashSet<string> SchemaNames(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM main.sqlite_schema WHERE type IN ('table', 'view') UNION SELECT name FROM temp.sqlite_schema WHERE type IN ('table', 'view')";
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// Creates TEMP views named like the documented views that keep only what <paramref name="scope"/> may see. The
    /// constraint values are written as SQL literals, because a view cannot hold parameters.
    /// </summary>
    private static void CreateScopedViews(SqliteConnection connection, AccessScope scope)
    {
        var filter = new StringBuilder("1 = 1");
        AppendLiteralIn(filter, "dataset", scope.Datasets);
        AppendLiteralIn(filter, "kind", scope.Kinds);
        if (scope.From is { } from)
        {
            filter.Append(CultureInfo.InvariantCulture, $" AND start_ms >= {from.ToUnixTimeMilliseconds()}");
        }

        if (scope.To is { } to)
        {
            filter.Append(CultureInfo.InvariantCulture, $" AND start_ms < {to.ToUnixTimeMilliseconds()}");
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TEMP VIEW lake_records AS SELECT * FROM main.lake_records WHERE {filter};
            CREATE TEMP VIEW lake_datasets AS
                SELECT dataset AS name, count(*) AS record_count, min(start_ms) AS first_ms, max(coalesce(end_ms, start_ms)) AS last_ms
                FROM temp.lake_records GROUP BY dataset;
            CREATE TEMP VIEW lake_imports AS SELECT * FROM main.lake_imports WHERE id IN (SELECT import_id FROM temp.lake_records);
            CREATE TEMP VIEW lake_blobs AS SELECT * FROM main.lake_blobs WHERE sha256 IN (SELECT blob_sha256 FROM temp.lake_records)
                OR sha256 IN (SELECT l.blob_sha256 FROM main.record_blob_links l JOIN main.records r ON r.seq = l.seq
                    WHERE r.id IN (SELECT id FROM temp.lake_records));
            """;
        command.ExecuteNonQuery();
    }

    private static void AppendLiteralIn(StringBuilder sql, string column, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        sql.Append(CultureInfo.InvariantCulture, $" AND {column} IN (");
        sql.AppendJoin(", ", values.Select(v => "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'"));
        sql.Append(')');
    }

    private static string? Authorize(int action, string? first, string? second, string? database, string? view, bool constrained, HashSet<string> readInViews, HashSet<string> schemaNames)
    {
        switch (action)
        {
            case SqliteSelect:
            case SqliteRecursive:
                return null;

            case SqliteRead:
                // A read from inside a view (view is the innermost view's name) is the view's own work. A read
                // with no database name is of a CTE or subquery of the statement itself. Under constraints, the
                // statement itself may name only the filtered TEMP views.
                // A read with an empty column name is SQLite asking for a table as a whole (count(*), or a FROM
                // whose columns are not used). It carries no view name even when the table is behind a view, so it
                // is allowed only for a table that a view of the statement has already read. A constrained query
                // never needs one: the filtered views read their columns.
                if (second is { Length: 0 } && first is not null && schemaNames.Contains(first))
                {
                    return !constrained && (readInViews.Contains(first) || Views.Contains(first))
                        ? null
                        : $"reading all of '{first}' is not allowed; query the views {string.Join(", ", Views.Order())} and name a column";
                }

                if (view is not null && first is not null)
                {
                    readInViews.Add(first);
                }

                if (constrained && view is null && database is not null && !string.Equals(database, "temp", StringComparison.OrdinalIgnoreCase)
                    && (first is null || !TableFunctions.Contains(first)))
                {
                    return $"reading '{database}.{first}' is not allowed for a token with constraints; query the views {string.Join(", ", Views.Order())}";
                }

                if (database is null || first is not null && (Views.Contains(first) || TableFunctions.Contains(first) || (view is not null && Views.Contains(view))))
                {
                    return null;
                }

                return $"reading '{first}' is not allowed; query the views {string.Join(", ", Views.Order())}";

            case SqliteFunction:
                return second is not null && DeniedFunctions.Contains(second) ? $"the function {second}() is not allowed" : null;

            default:
                var name = action >= 0 && action < ActionNames.Length ? ActionNames[action] : $"action {action}";
                return $"{name} is not allowed; only SELECT over the views {string.Join(", ", Views.Order())} may run";
        }
    }

    private static string RejectionMessage(string? denial) =>
        $"The statement was rejected before it ran: {denial ?? "it is not a read-only SELECT over the documented views"}.";

    private static string StripComments(string text)
    {
        var trimmed = text.Trim();
        while (trimmed.Length > 0)
        {
            if (trimmed.StartsWith("--", StringComparison.Ordinal))
            {
                var end = trimmed.IndexOf('\n', StringComparison.Ordinal);
                trimmed = end < 0 ? "" : trimmed[(end + 1)..].Trim();
            }
            else if (trimmed.StartsWith("/*", StringComparison.Ordinal))
            {
                var end = trimmed.IndexOf("*/", StringComparison.Ordinal);
                trimmed = end < 0 ? "" : trimmed[(end + 2)..].Trim();
            }
            else if (trimmed.StartsWith(';'))
            {
                trimmed = trimmed[1..].Trim();
            }
            else
            {
                break;
            }
        }

        return trimmed;
    }
}
