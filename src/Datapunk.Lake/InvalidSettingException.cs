namespace Datapunk.Lake;

/// <summary>
/// A configuration value (an environment variable, a configuration key or a command-line option) that the lake
/// cannot use. The message is one line that names the setting, the value and what is accepted, so the <c>lake</c>
/// command prints it alone and exits 2, without a stack trace.
/// </summary>
public sealed class InvalidSettingException : InvalidOperationException
{
    /// <param name="setting">The name as the user sets it, such as <c>LAKE_HEALTH_DETAIL</c> or <c>--port</c>.</param>
    /// <param name="value">The rejected value, or null for a secret, whose value is never put in the message.</param>
    /// <param name="accepted">What to set instead, as a sentence, such as "Use a number from 1 to 65535."</param>
    public InvalidSettingException(string setting, string? value, string accepted)
        : base(value is null
            ? $"Invalid {setting} (the value is secret and not shown). {accepted}"
            : $"Invalid {setting} '{value.ReplaceLineEndings(" ")}'. {accepted}")
    {
        Setting = setting;
        Value = value;
        Accepted = accepted;
    }

    // The message is the whole text here, so Accepted repeats it.
    private InvalidSettingException(string setting, string message, Exception? innerException)
        : base(message, innerException)
    {
        Setting = setting;
        Accepted = message;
    }

    /// <summary>A required setting that is not set at all, with <paramref name="message"/> as the whole message.</summary>
    /// <param name="setting">The names the user can set, such as <c>LAKE_MASTER_KEY_FILE</c>.</param>
    public static InvalidSettingException Missing(string setting, string message) => new(setting, message, innerException: null);

    /// <summary>The setting's name, such as <c>LAKE_HEALTH_DETAIL</c> or <c>--port</c>.</summary>
    public string Setting { get; }

    /// <summary>The rejected value, or null for a secret.</summary>
    public string? Value { get; }

    /// <summary>What the setting accepts, as a sentence.</summary>
    public string Accepted { get; }
}
