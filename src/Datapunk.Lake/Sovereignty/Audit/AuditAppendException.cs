namespace Datapunk.Lake.Sovereignty.Audit;

/// <summary>
/// The failure of the batch that contained an audit entry: its transaction failed, so the entry was not stored, or the
/// <c>audit-head</c> write after the commit failed. <see cref="Exception.InnerException"/> is the cause. Every caller
/// whose entry was in that batch gets its own instance.
/// </summary>
public sealed class AuditAppendException : Exception
{
    public AuditAppendException()
    {
    }

    public AuditAppendException(string message)
        : base(message)
    {
    }

    public AuditAppendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
