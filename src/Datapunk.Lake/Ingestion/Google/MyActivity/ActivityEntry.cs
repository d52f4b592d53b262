namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>
/// One My Activity entry as both export formats carry it, named after the fields of the JSON export.
/// </summary>
/// <remarks>
/// The JSON and the HTML importers both fill this type and hand it to <see cref="ActivityRecords"/>, so the
/// same activity gives the same record whichever format it came from.
/// </remarks>
internal sealed record ActivityEntry
{
    /// <summary>The product name the page shows above the entry, in the account's language ("Search", "Google Suche").</summary>
    public string? Header { get; init; }

    /// <summary>The full title line, with its verb: "Searched for cats", "Gesucht nach: Katzen".</summary>
    public required string Title { get; init; }

    public string? TitleUrl { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>False when the source gave no time zone (legacy HTML pages), so <see cref="Time"/> was read as UTC.</summary>
    public bool TimeOffsetKnown { get; init; } = true;

    public string? Description { get; init; }

    public IReadOnlyList<string> Products { get; init; } = [];

    public IReadOnlyList<ActivityLink> Subtitles { get; init; } = [];

    public IReadOnlyList<string> Details { get; init; } = [];

    public IReadOnlyList<ActivityLocation> Locations { get; init; } = [];

    /// <summary>The settings that made Google keep the entry ("Web &amp; App Activity"); JSON only.</summary>
    public IReadOnlyList<string> ActivityControls { get; init; } = [];

    /// <summary>The "Why is this here?" caption of the HTML page, as text; the HTML counterpart of <see cref="ActivityControls"/>.</summary>
    public string? Why { get; init; }
}
