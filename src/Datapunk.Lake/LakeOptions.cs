using Datapunk.Lake.Ingestion.Archives;

namespace Datapunk.Lake;

/// <summary>Where the lake keeps its data and how it imports.</summary>
public sealed record LakeOptions
{
    /// <summary>Environment variable that sets <see cref="DataDirectory"/> when no option does.</summary>
    public const string DataDirectoryVariable = "LAKE_DATA_DIR";

    /// <summary>The folder that holds <c>lake.db</c> and <c>blobs/</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The account name put into every dataset name, such as <c>google/location-history/ACCOUNT</c>.</summary>
    public string Account { get; init; } = "owner";

    public ImportLimits Limits { get; init; } = new();

    public string DatabasePath => Path.Combine(DataDirectory, "lake.db");

    public string BlobDirectory => Path.Combine(DataDirectory, "blobs");

    /// <summary>The file that receives the owner token on the first start, readable only by the service's user.</summary>
    public string OwnerTokenPath => Path.Combine(DataDirectory, Sovereignty.Access.TokenService.OwnerTokenFileName);

    /// <summary>
    /// The data directory from an explicit option, else <c>LAKE_DATA_DIR</c>, else
    /// <c>$XDG_DATA_HOME/datapunk-lake</c>, else <c>~/.local/share/datapunk-lake</c>.
    /// </summary>
    public static string ResolveDataDirectory(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return Path.GetFullPath(option);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(DataDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var baseFolder = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(baseFolder, "datapunk-lake");
    }
}
