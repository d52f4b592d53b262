namespace Datapunk.Lake.Search.Sql;

/// <summary>A statement that was rejected before it ran, or stopped for taking too long.</summary>
public sealed class SqlRejectedException(string message, bool timedOut = false) : Exception(message)
{
    public bool TimedOut { get; } = timedOut;
}
