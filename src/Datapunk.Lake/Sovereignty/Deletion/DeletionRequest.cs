namespace Datapunk.Lake.Sovereignty.Deletion;

/// <summary>
/// Which records to delete: those that match every given filter. A request that names only a dataset deletes the
/// whole dataset, which also removes the archives its records came from.
/// </summary>
/// <param name="AllowReimport">When false (the default), each deleted record leaves a tombstone (its id, a hash) that
/// keeps a later import of the same export from adding it again.</param>
public sealed record DeletionRequest(
    string? Dataset = null,
    string? ImportId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    IReadOnlyList<string>? RecordIds = null,
    string? Kind = null,
    bool AllowReimport = false)
{
    public bool IsWholeDataset => Dataset is not null && ImportId is null && From is null && To is null && (RecordIds is null || RecordIds.Count == 0) && Kind is null;

    public bool IsEmpty => Dataset is null && ImportId is null && From is null && To is null && (RecordIds is null || RecordIds.Count == 0) && Kind is null;

    /// <summary>A short description for the audit log: names and counts, never content.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Dataset is not null)
        {
            parts.Add("dataset=" + Dataset);
        }

        if (Kind is not null)
        {
            parts.Add("kind=" + Kind);
        }

        if (ImportId is not null)
        {
            parts.Add("import=" + ImportId);
        }

        if (From is not null)
        {
            parts.Add("from=" + From.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (To is not null)
        {
            parts.Add("to=" + To.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (RecordIds is { Count: > 0 })
        {
            parts.Add("records=" + string.Join(',', RecordIds.Take(20)) + (RecordIds.Count > 20 ? $",…({RecordIds.Count})" : ""));
        }

        return string.Join(' ', parts);
    }
}
