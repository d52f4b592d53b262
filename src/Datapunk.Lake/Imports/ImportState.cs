namespace Datapunk.Lake.Imports;

public enum ImportState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>What happened to one file of an import.</summary>
public enum FileOutcome
{
    /// <summary>Recognised and turned into records.</summary>
    Parsed,

    /// <summary>Stored as a blob; no importer recognised it.</summary>
    Kept,

    /// <summary>Recognised, and the same content was already parsed by an earlier import.</summary>
    Unchanged,

    /// <summary>Could not be read or parsed. The original is stored when its bytes could be read.</summary>
    Error,
}
