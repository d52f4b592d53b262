namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>One file that <c>manifest.json</c> lists: its entry name, SHA-256 (lower-case hex) and size in bytes.</summary>
public sealed record ManifestFile(string Path, string Sha256, long Size);
