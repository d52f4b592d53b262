namespace Datapunk.Lake.Blobs;

public static class BlobHash
{
    /// <summary>True for 64 lower-case hex digits, the only form of blob name the stores accept.</summary>
    public static bool IsValid(string? sha256)
    {
        if (sha256 is null || sha256.Length != 64)
        {
            return false;
        }

        foreach (var c in sha256)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
