namespace Datapunk.Lake.Server.Health;

/// <summary>Names and tags of the lake's health checks, as they appear in the <c>/health</c> response.</summary>
internal static class HealthCheckNames
{
    /// <summary>Tag of the checks that <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    public const string Database = "database";

    public const string BlobStore = "blobStore";

    public const string Disk = "disk";

    public const string Memory = "memory";
}
