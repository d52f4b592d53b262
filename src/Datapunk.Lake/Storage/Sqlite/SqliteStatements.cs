using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Datapunk.Lake.Storage.Sqlite;

/// <summary>
/// Helpers for statements prepared and bound through <c>SQLitePCL.raw</c> on a connection's handle, which the record
/// writers use because binding by index skips <c>SqliteCommand</c>'s lookup of every parameter by name.
/// </summary>
internal static class SqliteStatements
{
    /// <summary>Prepares <paramref name="sql"/> on the connection, or throws its SQLite error.</summary>
    public static sqlite3_stmt Prepare(SqliteConnection connection, string sql)
    {
        var result = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
        if (result != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(result, connection.Handle);
        }

        return statement;
    }

    /// <summary>Runs a statement that returns no rows and resets it, or throws its SQLite error.</summary>
    public static void Run(SqliteConnection connection, sqlite3_stmt statement)
    {
        var result = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (result != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(result, connection.Handle);
        }
    }

    /// <summary>Throws the connection's SQLite error when <paramref name="result"/> is not <c>SQLITE_OK</c>.</summary>
    public static void Check(SqliteConnection connection, int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, connection.Handle);
        }
    }
}
