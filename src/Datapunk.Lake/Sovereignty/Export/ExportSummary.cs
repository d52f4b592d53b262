namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>What an export archive contains.</summary>
public sealed record ExportSummary(long Records, long Originals, long Datasets, long Imports);
