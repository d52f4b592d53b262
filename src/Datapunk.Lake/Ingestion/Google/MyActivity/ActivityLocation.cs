namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>
/// Where Google placed the account when the activity happened (<c>locationInfos</c> in JSON, "Locations:" in HTML):
/// a place name with a Maps link, and how Google knew it ("From your device").
/// </summary>
internal sealed record ActivityLocation(string? Name, string? Url, string? Source, string? SourceUrl);
