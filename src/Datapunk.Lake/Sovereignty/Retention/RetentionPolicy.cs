namespace Datapunk.Lake.Sovereignty.Retention;

/// <summary>Records of a dataset, a kind, or a kind within a dataset are deleted once they start more than <see cref="MaxAge"/> ago.</summary>
public sealed record RetentionPolicy(long Id, string? Dataset, string? Kind, int MaxAgeDays, DateTimeOffset CreatedAt, DateTimeOffset? LastRunAt)
{
    public TimeSpan MaxAge => TimeSpan.FromDays(MaxAgeDays);

    public string Describe() =>
        $"{(Dataset is null ? "every dataset" : "dataset " + Dataset)}, {(Kind is null ? "every kind" : "kind " + Kind)}, max age {MaxAgeDays} days";
}
