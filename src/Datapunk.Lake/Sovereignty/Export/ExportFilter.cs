namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>Which records an export contains. Empty lists and null times mean "all".</summary>
public sealed record ExportFilter
{
    public IReadOnlyList<string> Datasets { get; init; } = [];

    public IReadOnlyList<string> Kinds { get; init; } = [];

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public bool IsEmpty => Datasets.Count == 0 && Kinds.Count == 0 && From is null && To is null;
}
