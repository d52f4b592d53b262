namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>One original in a lake export: its entry name, its SHA-256, the path it had in its import, and its size.</summary>
internal sealed record ExportOriginal(string Entry, string Sha256, string Path, long Size);
