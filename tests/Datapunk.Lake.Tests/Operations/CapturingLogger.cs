using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Datapunk.Lake.Tests.Operations;

/// <summary>A logger that keeps every formatted entry, so tests can check what an operator would read.</summary>
public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception)));
}

public sealed record LogEntry(LogLevel Level, int EventId, string Message);
