namespace PSBpf.Engine.Elf;

/// <summary>
/// The read-only stream ELFSharp reads from. It remembers where the last seek went: ELFSharp seeks to each header and
/// section before reading it, so when ELFSharp fails, that position names the part of the file it was reading.
/// </summary>
internal sealed class ElfSourceStream : Stream
{
    private readonly ElfSource _source;
    private long _position;
    // the bytes in memory around the position (the source's block): ELFSharp makes hundreds of reads of 1-8 bytes per
    // open, and copying them from here skips the source's block lookup each time
    private byte[] _window = [];
    private int _windowStart, _windowLength, _windowGeneration;
    private long _windowOffset;

    public ElfSourceStream(ElfSource source) => _source = source;

    /// <summary>The position of the last seek (or of the first read when there was none).</summary>
    public long LastSeek { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _source.Length;

    public override long Position
    {
        get => _position;
        set => LastSeek = _position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long at = _position - _windowOffset;
        if (_windowGeneration != _source.Generation || at < 0 || at > _windowLength - buffer.Length)
        {
            int n = _source.Read(_position, buffer);
            Refresh(_position);
            _position += n;
            return n;
        }

        _window.AsSpan(_windowStart + (int)at, buffer.Length).CopyTo(buffer);
        _position += buffer.Length;
        return buffer.Length;
    }

    public override int ReadByte()
    {
        long at = _position - _windowOffset;
        if (_windowGeneration == _source.Generation && at >= 0 && at < _windowLength)
        {
            _position++;
            return _window[_windowStart + (int)at];
        }

        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    private void Refresh(long offset)
    {
        if (!_source.TryGetWindow(offset, out _window, out _windowStart, out _windowLength, out _windowOffset))
        {
            _windowLength = 0;
        }

        _windowGeneration = _source.Generation;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        // A negative position is kept: reads there return nothing, so ELFSharp reports the end of the stream.
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _source.Length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
