namespace Datapunk.Lake.Sovereignty.Access;

/// <summary>The rights a token can carry. <see cref="Admin"/> includes every other right.</summary>
public static class TokenScopes
{
    /// <summary>Read records, datasets, imports and blobs.</summary>
    public const string Read = "read";

    /// <summary>Upload exports to import.</summary>
    public const string Ingest = "ingest";

    /// <summary>Produce export archives.</summary>
    public const string Export = "export";

    /// <summary>Delete data and preview deletions.</summary>
    public const string Delete = "delete";

    /// <summary>Everything, plus tokens, the audit log and retention policies.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Read, Ingest, Export, Delete, Admin];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}
