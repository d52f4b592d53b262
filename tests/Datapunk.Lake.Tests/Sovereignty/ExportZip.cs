using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>Reads and rewrites the entries of an export zip, for tests that damage or change one entry.</summary>
internal static class ExportZip
{
    /// <summary>Every entry of the zip, by name, in the zip's order.</summary>
    public static List<(string Name, byte[] Content)> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var entries = new List<(string, byte[])>();
        foreach (var entry in archive.Entries)
        {
            using var content = entry.Open();
            using var copy = new MemoryStream();
            content.CopyTo(copy);
            entries.Add((entry.FullName, copy.ToArray()));
        }

        return entries;
    }

    /// <summary>The name of the first entry whose name starts with <paramref name="prefix"/> and ends with <paramref name="suffix"/>.</summary>
    public static string EntryName(byte[] zip, string prefix, string suffix) =>
        Entries(zip).First(e => e.Name.StartsWith(prefix, StringComparison.Ordinal) && e.Name.EndsWith(suffix, StringComparison.Ordinal)).Name;

    /// <summary>
    /// Returns a copy of the zip with one entry's content changed. With <paramref name="updateManifest"/>, the
    /// manifest's SHA-256 and size of that entry are recomputed, so only the content checks can find the change.
    /// </summary>
    public static byte[] Rewrite(byte[] zip, string name, Func<byte[], byte[]> change, bool updateManifest)
    {
        var entries = Entries(zip);
        var index = entries.FindIndex(e => e.Name == name);
        var changed = change(entries[index].Content);
        entries[index] = (name, changed);

        if (updateManifest)
        {
            var manifestIndex = entries.FindIndex(e => e.Name == "manifest.json");
            var manifest = JsonNode.Parse(entries[manifestIndex].Content)!.AsObject();
            var file = manifest["files"]!.AsArray().Single(f => (string)f!["path"]! == name)!;
            file["sha256"] = Convert.ToHexStringLower(SHA256.HashData(changed));
            file["size"] = changed.Length;
            entries[manifestIndex] = ("manifest.json", System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        }

        return Write(entries);
    }

    /// <summary>Writes entries to a new zip, in the given order.</summary>
    public static byte[] Write(IEnumerable<(string Name, byte[] Content)> entries)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.Fastest).Open();
                stream.Write(content);
            }
        }

        return memory.ToArray();
    }
}
