using System.Security.Cryptography;
using System.Text;

namespace Datapunk.Lake.Records;

/// <summary>Derives a record id from the record's identity, so the same item always gets the same id.</summary>
public static class RecordId
{
    /// <summary>Returns 32 lower-case hex digits: the first 128 bits of SHA-256 over dataset, kind and merge key.</summary>
    public static string For(string dataset, string kind, string mergeKey)
    {
        var text = string.Concat(dataset, "\n", kind, "\n", mergeKey);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
