using System.Globalization;
using Datapunk.Lake.Ingestion;

namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>
/// Splits a stream of newline-delimited JSON into lines without holding more than one line (and one read buffer) in
/// memory. A trailing carriage return is dropped, and a final newline does not start an empty line.
/// </summary>
internal sealed class NdjsonLineReader(Stream content, int maxLineBytes)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;
    private bool _ended;

    /// <summary>The number of the line that <see cref="TryReadLine"/> returned last, counted from 1.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Reads the next line, or returns false at the end of the stream.</summary>
    /// <exception cref="ImportFormatException">A line is longer than the maximum.</exception>
    public bool TryReadLine(out ReadOnlyMemory<byte> line)
    {
        _line.SetLength(0);
        while (true)
        {
            if (_start == _end)
            {
                if (_ended || !Fill())
                {
                    _ended = true;
                    if (_line.Length == 0)
                    {
                        line = default;
                        return false;
                    }

                    return Return(out line);
                }
            }

            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            Append(stop - _start);
            _start = stop;
            if (newline >= 0)
            {
                _start++;
                return Return(out line);
            }
        }
    }

    private bool Fill()
    {
        _start = 0;
        _end = content.Read(_buffer, 0, _buffer.Length);
        return _end > 0;
    }

    private void Append(int count)
    {
        if (_line.Length + count > maxLineBytes)
        {
            throw new ImportFormatException(
                string.Create(CultureInfo.InvariantCulture,
                    $"Line {LineNumber + 1} of {ExportArchive.RecordsEntry} in the lake export is longer than {maxLineBytes:N0} bytes, the largest JSON value an import holds in memory. Nothing was imported from the export."),
                ExportedRecordParser.Position(LineNumber + 1));
        }

        _line.Write(_buffer, _start, count);
    }

    private bool Return(out ReadOnlyMemory<byte> line)
    {
        LineNumber++;
        var length = (int)_line.Length;
        if (length > 0 && _line.GetBuffer()[length - 1] == (byte)'\r')
        {
            length--;
        }

        line = _line.GetBuffer().AsMemory(0, length);
        return true;
    }
}
