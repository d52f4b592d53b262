namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>A line of text under an entry's title, such as the channel of a video, with its link when it has one.</summary>
internal sealed record ActivityLink(string Name, string? Url);
