using Datapunk.Lake.Sovereignty.Deletion;

namespace Datapunk.Lake.Sovereignty.Retention;

/// <summary>What one policy removed (or would remove, in a preview) in one run.</summary>
public sealed record RetentionOutcome(RetentionPolicy Policy, DateTimeOffset Cutoff, DeletionResult Result);
