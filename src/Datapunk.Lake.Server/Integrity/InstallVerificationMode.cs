namespace Datapunk.Lake.Server.Integrity;

/// <summary>What the server does at start when its files differ from the install manifest.</summary>
public enum InstallVerificationMode
{
    /// <summary>No check.</summary>
    Off,

    /// <summary>Log a warning and start; the default outside production.</summary>
    Warn,

    /// <summary>Refuse to start; the default in production. A missing manifest also refuses when this mode is set explicitly.</summary>
    Enforce,
}

/// <summary>Reads <see cref="InstallVerificationMode"/> from configuration.</summary>
public static class InstallVerificationSettings
{
    /// <summary>Configuration key (and environment variable): <c>enforce</c>, <c>warn</c> or <c>off</c>.</summary>
    public const string ModeKey = "LAKE_VERIFY_INSTALL";

    /// <param name="explicitlySet">True when configuration names the mode, false when it is the environment's default.</param>
    /// <exception cref="InvalidSettingException">The value is not a known mode.</exception>
    public static InstallVerificationMode ReadMode(IConfiguration configuration, IHostEnvironment environment, out bool explicitlySet)
    {
        var text = configuration[ModeKey];
        explicitlySet = !string.IsNullOrWhiteSpace(text);
        if (!explicitlySet)
        {
            return environment.IsProduction() ? InstallVerificationMode.Enforce : InstallVerificationMode.Warn;
        }

        return text!.Trim().ToUpperInvariant() switch
        {
            "ENFORCE" => InstallVerificationMode.Enforce,
            "WARN" => InstallVerificationMode.Warn,
            "OFF" => InstallVerificationMode.Off,
            _ => throw new InvalidSettingException(ModeKey, text, "Use 'enforce' (refuse to start on any difference), 'warn' (log and start) or 'off'."),
        };
    }
}
