namespace Datapunk.Lake.Server.Hosting;

/// <summary>How the HTTP server listens.</summary>
public sealed record ServerOptions
{
    /// <summary>Environment variable that sets <see cref="Port"/> when no option does.</summary>
    public const string PortVariable = "LAKE_PORT";

    public const int DefaultPort = 8000;

    public int Port { get; init; } = DefaultPort;

    /// <summary>The address to bind: <c>127.0.0.1</c> by default, <c>0.0.0.0</c> in the container.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// Whether the server embeds new text records in the background for semantic search. When false, run
    /// <c>lake embed</c> to fill the index.
    /// </summary>
    public bool EmbedInBackground { get; init; } = true;
}
