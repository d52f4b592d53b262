namespace Datapunk.Lake.Ingestion;

/// <summary>A file breaks the rules of its format. The import reports it for that file and goes on with the others.</summary>
public sealed class ImportFormatException : Exception
{
    public ImportFormatException(string message, string? position, Exception? innerException = null)
        : base(message, innerException)
    {
        Position = position;
    }

    /// <summary>Where the problem is, e.g. <c>line 3, column 17 (byte 52)</c> or a JSON pointer.</summary>
    public string? Position { get; }
}
