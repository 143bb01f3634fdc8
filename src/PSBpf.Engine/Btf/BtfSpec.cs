using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace PSBpf.Engine.Btf;

/// <summary>
/// Parsed BTF: the object's own .BTF, the kernel's vmlinux BTF, or a module's split BTF over vmlinux.
/// The constructor walks the type section once to index type offsets and validate record bounds;
/// types are materialised on first access, so a 5 MB kernel BTF costs one pass and only the types used.
/// </summary>
public sealed class BtfSpec
{
    /// <summary>BTF_MAGIC.</summary>
    public const ushort Magic = 0xeB9F;
    private const int HeaderMinSize = 24;
    private const int MaxResolveDepth = 32;

    // Type offsets are kept in chunks of 8192 (32 KB) and the materialised-type cache in chunks of
    // 1024 references (8 KB), all under the runtime's 85,000-byte large-object threshold. Why:
    // kernel BTF has ~130k types, so flat arrays (0.5 MB of offsets, 1 MB of cache) land on the
    // large-object heap, which is only collected by gen2 GCs, after which the GC returns the
    // memory to the OS: every parse then paid for zeroing and page-faulting ~1.5 MB of fresh
    // memory, more than the indexing itself (docs/benchmarks.md). Small chunks are gen0 objects
    // whose memory is reused, and cache chunks are only allocated once a type in them is used.
    private const int ChunkShift = 13;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;
    private const int CacheShift = 10;
    private const int CacheMask = (1 << CacheShift) - 1;

    private readonly ReadOnlyMemory<byte> _types;
    private readonly ReadOnlyMemory<byte> _strings;
    private readonly int[][] _offsets;   // type index (id - _firstId) → byte offset in _types, chunked
    private readonly int _typeCount;     // number of types this BTF defines
    private readonly BtfType?[]?[] _cache; // chunked too; a chunk is null until first used
    private readonly BtfSpec? _base;
    private readonly uint _firstId;
    private readonly uint _firstString;
    private readonly string? _source;
    private BtfNameIndex? _nameIndex;
    private uint[]? _datasecIds;

    private BtfSpec(string? source, ReadOnlyMemory<byte> types, ReadOnlyMemory<byte> strings, bool bigEndian, BtfSpec? baseBtf)
    {
        _source = source;
        _types = types;
        _strings = strings;
        IsBigEndian = bigEndian;
        _base = baseBtf;
        _firstId = baseBtf is null ? 1u : (uint)baseBtf.Count;
        _firstString = baseBtf is null ? 0u : baseBtf.StringsLength;
        _offsets = IndexTypes(out _typeCount);
        _cache = new BtfType?[]?[(_typeCount + CacheMask) >> CacheShift];
        Void = baseBtf?.Void ?? new BtfVoid(this);
    }

    /// <summary>Where the BTF came from (file path or object name), for messages.</summary>
    public string? Source => _source;
    /// <summary>True when the blob was big-endian.</summary>
    public bool IsBigEndian { get; }
    /// <summary>The base BTF of split (module) BTF, else null.</summary>
    public BtfSpec? Base => _base;
    /// <summary>Number of type ids, including void and (for split BTF) the base types.</summary>
    public int Count => (int)_firstId + _typeCount;
    /// <summary>First type id defined by this BTF itself (1, or the base's count for split BTF).</summary>
    public uint FirstTypeId => _firstId;
    /// <summary>The void type.</summary>
    public BtfVoid Void { get; }
    /// <summary>Total string section length including the base's (string offsets of split BTF start after the base's).</summary>
    public uint StringsLength => _firstString + (uint)_strings.Length;

    /// <summary>This BTF's own string section, for re-encoding with unchanged string offsets.</summary>
    internal ReadOnlyMemory<byte> RawStrings => _strings;

    /// <summary>All types with id ≥ <see cref="FirstTypeId"/>, materialising each (a method, so serialisers do not walk it).</summary>
    public IEnumerable<BtfType> GetTypes()
    {
        for (uint id = _firstId; id < Count; id++)
        {
            yield return this[id];
        }
    }

    /// <summary>The type with this id (0 is void); ids below <see cref="FirstTypeId"/> come from the base.</summary>
    public BtfType this[uint id]
    {
        get
        {
            if (id == 0)
            {
                return Void;
            }

            if (id < _firstId)
            {
                return _base![id];
            }

            ulong index = (ulong)id - _firstId;
            if (index >= (ulong)_typeCount)
            {
                throw Error(null, $"type id {id} does not exist (BTF has {Count} types)");
            }

            int i = (int)index;
            var chunk = Volatile.Read(ref _cache[i >> CacheShift]) ?? CacheChunk(i >> CacheShift);
            var cached = Volatile.Read(ref chunk[i & CacheMask]);
            if (cached is not null)
            {
                return cached;
            }

            int offset = Offset(i);
            var made = Materialize(id, offset);
            made.NameOffset = U32(_types.Span, offset, IsBigEndian);
            made.KindFlag = (U32(_types.Span, offset + 4, IsBigEndian) >> 31) != 0;
            return Interlocked.CompareExchange(ref chunk[i & CacheMask], made, null) ?? made;
        }
    }

    /// <summary>Parses raw BTF (the contents of a .BTF section or /sys/kernel/btf/*).</summary>
    public static BtfSpec Parse(ReadOnlyMemory<byte> data, string? source = null, BtfSpec? baseBtf = null)
    {
        var span = data.Span;
        if (span.Length < HeaderMinSize)
        {
            throw new BpfFormatException(source, ".BTF", 0, $"truncated BTF header: {span.Length} bytes, need {HeaderMinSize}");
        }

        bool big;
        if (BinaryPrimitives.ReadUInt16LittleEndian(span) == Magic) big = false;
        else if (BinaryPrimitives.ReadUInt16BigEndian(span) == Magic) big = true;
        else throw new BpfFormatException(source, ".BTF", 0, $"bad BTF magic 0x{BinaryPrimitives.ReadUInt16LittleEndian(span):x4}, expected 0xeb9f");

        if (span[2] != 1)
        {
            throw new BpfFormatException(source, ".BTF", 2, $"unsupported BTF version {span[2]}");
        }

        uint hdrLen = U32(span, 4, big);
        uint typeOff = U32(span, 8, big), typeLen = U32(span, 12, big);
        uint strOff = U32(span, 16, big), strLen = U32(span, 20, big);
        if (hdrLen < HeaderMinSize || hdrLen > span.Length)
        {
            throw new BpfFormatException(source, ".BTF", 4, $"BTF header length {hdrLen} is invalid for a {span.Length}-byte blob");
        }

        var types = Slice(data, hdrLen, typeOff, typeLen, "type section", source);
        var strings = Slice(data, hdrLen, strOff, strLen, "string section", source);
        var ss = strings.Span;
        if (baseBtf is null && (ss.Length == 0 || ss[0] != 0))
        {
            throw new BpfFormatException(source, ".BTF", hdrLen + strOff, "string section must start with an empty string");
        }

        if (ss.Length > 0 && ss[^1] != 0)
        {
            throw new BpfFormatException(source, ".BTF", hdrLen + strOff + strLen - 1, "string section is not NUL-terminated");
        }

        if (typeLen % 4 != 0)
        {
            throw new BpfFormatException(source, ".BTF", hdrLen + typeOff, $"type section length {typeLen} is not a multiple of 4");
        }

        return new BtfSpec(source, types, strings, big, baseBtf);
    }

    /// <summary>Reads BTF from a file (e.g. /sys/kernel/btf/vmlinux).</summary>
    public static BtfSpec Load(string path, BtfSpec? baseBtf = null) => Parse(ReadFile(path), path, baseBtf);

    // Load's file reading. Why not File.ReadAllBytes (measured in docs/benchmarks.md):
    // - sysfs hands out at most one page per read(2), so reading vmlinux BTF (5.5 MB) takes ~1350
    //   system calls, ~2.2 ms on a VM. Newer kernels (6.16, 2025) let /sys/kernel/btf/vmlinux be
    //   mapped read-only (libbpf >= 1.6 maps it too); a populated mapping plus the comparison
    //   below takes ~0.8 ms. Only files under /sys/kernel/btf are mapped: they cannot shrink
    //   while mapped (a mapped regular file that another process truncates raises SIGBUS), and
    //   the mapping is unmapped before this method returns, so no span over it escapes. Where
    //   mapping fails (older kernels, module BTF) the file is read as before.
    // - a fresh 5.5 MB array per load lives on the large-object heap, whose memory the GC hands
    //   back to the OS after each gen2 collection, so every load page-faulted all of it again
    //   (~1300 faults, 13 ms on a VM). Instead the bytes are compared with the last blob this
    //   method returned (0.1 ms for vmlinux); when equal (the same kernel BTF loaded again, the
    //   usual case) the new spec shares that blob. BtfSpec never writes to its bytes, so the
    //   sharing is invisible. Reads go into a reusable scratch buffer for the same reason.
    // Every load still reads the whole file and Parse still indexes and validates every type:
    // only the allocation is saved. Both references are weak: they keep nothing alive.
    private const int MapPrivate = 0x02;      // MAP_PRIVATE
    private const int MapPopulate = 0x8000;   // MAP_POPULATE: fault every page in during mmap(2)
    private static WeakReference<byte[]>? s_scratch;   // taken with Interlocked.Exchange: one user at a time
    private static SharedBlob? s_lastBlob;

    private sealed class SharedBlob(byte[] data)
    {
        public WeakReference<byte[]> Data { get; } = new(data);
        public int Length { get; } = data.Length;
    }

    private static ReadOnlyMemory<byte> ReadFile(string path)
    {
        // Same open and the same length rules as File.ReadAllBytes; unbuffered, so each Read goes
        // straight to read(2) into the destination.
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        long length = file.CanSeek ? file.Length : 0;
        if (length > Array.MaxLength)
        {
            return File.ReadAllBytes(path); // throws the runtime's own "file too long" IOException, as before
        }

        if (length == 0)
        {
            return ReadToEnd(file); // size unknown: pipes, and procfs/sysfs files that report 0
        }

        if (Path.GetFullPath(path).StartsWith("/sys/kernel/btf/", StringComparison.Ordinal) &&
            TryReadMapped(file, (int)length) is { } mapped)
        {
            return mapped;
        }

        var weak = Interlocked.Exchange(ref s_scratch, null);
        byte[]? buffer = null;
        if (weak is null || !weak.TryGetTarget(out buffer) || buffer.Length != length)
        {
            buffer = GC.AllocateUninitializedArray<byte>((int)length);
        }

        file.ReadExactly(buffer); // EndOfStreamException if the file shrank, as File.ReadAllBytes
        var shared = Shared(buffer);
        if (shared is null)
        {
            Volatile.Write(ref s_lastBlob, new SharedBlob(buffer)); // the buffer becomes the blob
            return buffer;
        }

        weak ??= new WeakReference<byte[]>(buffer);
        weak.SetTarget(buffer);
        Volatile.Write(ref s_scratch, weak);
        return shared;
    }

    private static unsafe byte[]? TryReadMapped(FileStream file, int length)
    {
        var handle = file.SafeFileHandle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            nint address = Native.LibC.Mmap(0, (nuint)length, Native.LibC.ProtRead, MapPrivate | MapPopulate, (int)handle.DangerousGetHandle(), 0);
            if (address == Native.LibC.MapFailed)
            {
                return null;
            }

            try
            {
                var content = new ReadOnlySpan<byte>((void*)address, length);
                if (Shared(content) is { } shared)
                {
                    return shared;
                }

                var blob = GC.AllocateUninitializedArray<byte>(length);
                content.CopyTo(blob);
                Volatile.Write(ref s_lastBlob, new SharedBlob(blob));
                return blob;
            }
            finally
            {
                Native.LibC.Munmap(address, (nuint)length);
            }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>The last blob Load returned if its bytes equal <paramref name="content"/>, else null.</summary>
    private static byte[]? Shared(ReadOnlySpan<byte> content) =>
        Volatile.Read(ref s_lastBlob) is { } last && last.Length == content.Length &&
        last.Data.TryGetTarget(out var blob) && content.SequenceEqual(blob) ? blob : null;

    private static ReadOnlyMemory<byte> ReadToEnd(FileStream file)
    {
        var all = new byte[64 * 1024];
        int total = 0, n;
        while ((n = file.Read(all.AsSpan(total))) > 0)
        {
            total += n;
            if (total == all.Length)
            {
                if (all.Length == Array.MaxLength)
                {
                    // File.ReadAllBytes's own message for this case.
                    throw new IOException("The file is too long. This operation is currently limited to supporting files less than 2 gigabytes in size.");
                }

                Array.Resize(ref all, (int)Math.Min(2L * all.Length, Array.MaxLength));
            }
        }

        return all.AsMemory(0, total);
    }

    /// <summary>The string at <paramref name="offset"/> in the string section (split BTF offsets continue the base's).</summary>
    public string GetString(uint offset)
    {
        if (offset < _firstString)
        {
            return _base!.GetString(offset);
        }

        if ((ulong)offset - _firstString >= (ulong)_strings.Length)
        {
            throw Error(null, $"string offset {offset} is outside the {StringsLength}-byte string section");
        }

        return Encoding.UTF8.GetString(StringBytes(offset));
    }

    /// <summary>
    /// The first type with this name and kind (searching the base first for split BTF), or null.
    /// Compares UTF-8 bytes in place, so it allocates nothing per candidate.
    /// </summary>
    public BtfType? FindByName(string name, BtfKind kind)
    {
        if (_base?.FindByName(name, kind) is { } inBase)
        {
            return inBase;
        }

        if (name.Length == 0)
        {
            return null;
        }

        if (_nameIndex is { } index)
        {
            foreach (int i in index.Find(name, NameBytesAt))
            {
                if (KindAt(Offset(i)) == kind) return this[(uint)i + _firstId];
            }

            return null;
        }

        var hits = ScanByName(name, kind, firstOnly: true);
        return hits.Count == 0 ? null : this[(uint)hits[0] + _firstId];
    }

    /// <summary>All type ids (of this BTF and its base) whose name equals <paramref name="name"/>, in id order.</summary>
    public uint[] FindAllByName(string name)
    {
        uint[] inherited = _base is null ? [] : _base.FindAllByName(name);
        var own = _nameIndex is null && Interlocked.Increment(ref _nameScans) <= ScansBeforeIndex ? ScanByName(name) : NameIndex.Find(name, NameBytesAt);
        if (own.Count == 0) return inherited;
        var result = new uint[inherited.Length + own.Count];
        inherited.CopyTo(result, 0);
        for (int i = 0; i < own.Count; i++) result[inherited.Length + i] = (uint)own[i] + _firstId;
        return result;
    }

    // The first lookups scan (as libbpf always does): a scan of kernel BTF compares one byte for almost every type,
    // where the index hashes all ~150k names first; a load with CO-RE asks for a handful of names.
    private const int ScansBeforeIndex = 8;
    private int _nameScans;

    /// <summary>
    /// The type indexes named <paramref name="name"/> (of <paramref name="kind"/> when given), ascending, by a walk over
    /// every type; only the first with <paramref name="firstOnly"/>.
    /// </summary>
    private List<int> ScanByName(string name, BtfKind? kind = null, bool firstOnly = false)
    {
        var found = new List<int>();
        if (name.Length == 0) return found;
        Span<byte> buf = name.Length <= 256 ? stackalloc byte[name.Length * 3 + 1] : new byte[Encoding.UTF8.GetMaxByteCount(name.Length) + 1];
        int n = Encoding.UTF8.GetBytes(name, buf);
        buf[n] = 0;
        var needle = buf[..(n + 1)]; // with its NUL: a longer name does not match
        var types = _types.Span;
        var strings = _strings.Span;
        // Chunk by chunk, so the inner loop indexes one int[] like a flat array.
        for (int c = 0; c < _offsets.Length; c++)
        {
            var offsets = _offsets[c];
            int inChunk = Math.Min(ChunkSize, _typeCount - (c << ChunkShift));
            for (int j = 0; j < inChunk; j++)
            {
                int o = offsets[j];
                if (kind is { } k && (BtfKind)((U32(types, o + 4, IsBigEndian) >> 24) & 0x1f) != k) continue;
                ulong nameOff = (ulong)U32(types, o, IsBigEndian) - _firstString;
                if (nameOff == 0 || nameOff >= (ulong)strings.Length || strings[(int)nameOff] != needle[0]) continue;
                if (!strings[(int)nameOff..].StartsWith(needle)) continue;
                found.Add((c << ChunkShift) + j);
                if (firstOnly) return found;
            }
        }

        return found;
    }

    /// <summary>Follows typedefs, const/volatile/restrict and type tags to the underlying type id.</summary>
    public uint SkipModsAndTypedefs(uint id)
    {
        for (int depth = 0; depth < MaxResolveDepth; depth++)
        {
            var t = this[id];
            if (t is BtfTypedef or BtfQualifier or BtfTypeTag)
            {
                id = ((BtfReference)t).TypeId;
                continue;
            }

            return id;
        }

        throw Error(null, $"type {id}: typedef/qualifier chain is deeper than {MaxResolveDepth} (loop?)");
    }

    /// <summary>Follows const/volatile/restrict and type tags (not typedefs).</summary>
    public uint SkipMods(uint id)
    {
        for (int depth = 0; depth < MaxResolveDepth; depth++)
        {
            var t = this[id];
            if (t is BtfQualifier or BtfTypeTag)
            {
                id = ((BtfReference)t).TypeId;
                continue;
            }

            return id;
        }

        throw Error(null, $"type {id}: qualifier chain is deeper than {MaxResolveDepth} (loop?)");
    }

    /// <summary>The resolved type behind typedefs and qualifiers.</summary>
    public BtfType Resolve(uint id) => this[SkipModsAndTypedefs(id)];

    /// <summary>Size in bytes of a sized type (like libbpf's btf__resolve_size).</summary>
    public long SizeOf(uint id)
    {
        try
        {
            return SizeOfUnchecked(id);
        }
        catch (OverflowException)
        {
            throw Error(null, $"size of type {id} overflows");
        }
    }

    private long SizeOfUnchecked(uint id)
    {
        long count = 1;
        for (int depth = 0; depth < MaxResolveDepth; depth++)
        {
            var t = this[id];
            switch (t)
            {
                case BtfInt i: return checked(count * i.Size);
                case BtfEnum e: return checked(count * e.Size);
                case BtfComposite c: return checked(count * c.Size);
                case BtfDatasec d: return checked(count * d.Size);
                case BtfFloat f: return checked(count * f.Size);
                case BtfPointer: return checked(count * 8);
                case BtfArray a:
                    count = checked(count * a.Count);
                    id = a.ElementTypeId;
                    continue;
                case BtfTypedef or BtfQualifier or BtfTypeTag or BtfVar or BtfDeclTag: // as btf__resolve_size
                    id = ((BtfReference)t).TypeId;
                    continue;
                default:
                    throw Error(null, $"{t} has no size");
            }
        }

        throw Error(null, $"type {id}: reference chain is deeper than {MaxResolveDepth} (loop?)");
    }

    /// <summary>Natural alignment in bytes (like libbpf's btf__align_of).</summary>
    public int AlignOf(uint id)
    {
        for (int depth = 0; depth < MaxResolveDepth; depth++)
        {
            var t = this[id];
            switch (t)
            {
                case BtfInt i: return (int)Math.Min(8u, Math.Max(1u, i.Size));
                case BtfEnum e: return (int)Math.Min(8u, Math.Max(1u, e.Size));
                case BtfFloat f: return (int)Math.Min(16u, Math.Max(1u, f.Size));
                case BtfPointer: return 8;
                case BtfArray a: id = a.ElementTypeId; continue;
                case BtfTypedef or BtfQualifier or BtfTypeTag or BtfVar: id = ((BtfReference)t).TypeId; continue;
                case BtfComposite c:
                    int max = 1;
                    foreach (var m in c.Members)
                    {
                        int a2 = AlignOf(m.TypeId);
                        if (m.BitfieldSize == 0 && m.BitOffset % (8u * (uint)a2) != 0) return 1; // packed
                        max = Math.Max(max, a2);
                    }

                    return c.Size % max != 0 ? 1 : max;
                default:
                    throw Error(null, $"{t} has no alignment");
            }
        }

        throw Error(null, $"type {id}: reference chain is deeper than {MaxResolveDepth} (loop?)");
    }

    /// <summary>Kind of type <paramref name="id"/> without materialising it.</summary>
    public BtfKind KindOf(uint id)
    {
        if (id == 0) return BtfKind.Void;
        if (id < _firstId) return _base!.KindOf(id);
        ulong index = (ulong)id - _firstId;
        if (index >= (ulong)_typeCount) throw Error(null, $"type id {id} does not exist (BTF has {Count} types)");
        return KindAt(Offset((int)index));
    }

    internal BpfFormatException Error(long? offset, string detail) => new(_source, ".BTF", offset, detail);

    private BtfNameIndex NameIndex
    {
        get
        {
            if (_nameIndex is { } built) return built;
            var index = BtfNameIndex.Build(_typeCount, NameBytesAt);
            return Interlocked.CompareExchange(ref _nameIndex, index, null) ?? index;
        }
    }

    /// <summary>The name bytes (no NUL) of the type at index <paramref name="index"/>; empty when anonymous or out of range.</summary>
    private ReadOnlySpan<byte> NameBytesAt(int index) => StringBytes(U32(_types.Span, Offset(index), IsBigEndian));

    /// <summary>The bytes (no NUL) of the string at <paramref name="offset"/>, in this BTF or its base; empty when out of range.</summary>
    private ReadOnlySpan<byte> StringBytes(uint offset)
    {
        if (offset < _firstString) return _base!.StringBytes(offset);
        ulong local = (ulong)offset - _firstString;
        var s = _strings.Span;
        if (offset == 0 || local >= (ulong)s.Length) return [];
        var rest = s[(int)local..];
        int nul = rest.IndexOf((byte)0);
        return nul < 0 ? rest : rest[..nul];
    }

    private int Offset(int index) => _offsets[index >> ChunkShift][index & ChunkMask];

    private BtfType?[] CacheChunk(int chunk)
    {
        // the last chunk only as long as the types it holds
        var made = new BtfType?[Math.Min(1 << CacheShift, _typeCount - (chunk << CacheShift))];
        return Interlocked.CompareExchange(ref _cache[chunk], made, null) ?? made;
    }

    private BtfKind KindAt(int offset) => (BtfKind)((U32(_types.Span, offset + 4, IsBigEndian) >> 24) & 0x1f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint U32(ReadOnlySpan<byte> s, int offset, bool big) =>
        big ? BinaryPrimitives.ReadUInt32BigEndian(s[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(s[offset..]);

    private static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> data, uint hdrLen, uint off, uint len, string what, string? source)
    {
        ulong start = (ulong)hdrLen + off;
        if (start > (ulong)data.Length || len > (ulong)data.Length - start)
        {
            throw new BpfFormatException(source, ".BTF", hdrLen, $"{what} ({len} bytes at 0x{start:x}) extends beyond the {data.Length}-byte BTF blob");
        }

        return data.Slice((int)start, (int)len);
    }

    // Bytes that follow the 12-byte btf_type record, per kind: a fixed part plus vlen times a
    // per-entry size (libbpf's btf_type_size). A table instead of a switch keeps the indexing loop,
    // which runs once per type (~130k for vmlinux), free of branches it cannot predict.
    // Kinds with FixedExtra 0xff are unknown.
    private static ReadOnlySpan<byte> FixedExtra =>
    [
        0xff, // 0 unknown
        4,    // 1 INT: u32 encoding
        0,    // 2 PTR
        12,   // 3 ARRAY: btf_array
        0, 0, // 4 STRUCT, 5 UNION: vlen btf_member
        0,    // 6 ENUM: vlen btf_enum
        0, 0, 0, 0, 0, // 7 FWD, 8 TYPEDEF, 9 VOLATILE, 10 CONST, 11 RESTRICT
        0,    // 12 FUNC
        0,    // 13 FUNC_PROTO: vlen btf_param
        4,    // 14 VAR: btf_var
        0,    // 15 DATASEC: vlen btf_var_secinfo
        0,    // 16 FLOAT
        4,    // 17 DECL_TAG: btf_decl_tag
        0,    // 18 TYPE_TAG
        0,    // 19 ENUM64: vlen btf_enum64
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // 20-31 unknown
    ];

    private static ReadOnlySpan<byte> PerVlen =>
    [
        0, 0, 0, 0,
        12, 12, // STRUCT, UNION
        8,      // ENUM
        0, 0, 0, 0, 0, 0,
        8,      // FUNC_PROTO
        0,
        12,     // DATASEC
        0, 0, 0,
        12,     // ENUM64
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    private int[][] IndexTypes(out int typeCount)
    {
        var s = _types.Span;
        bool big = IsBigEndian;
        var fixedExtra = FixedExtra;
        var perVlen = PerVlen;
        // Every type takes at least 12 bytes, which bounds the number of chunks needed.
        var chunks = new int[(s.Length / 12 + ChunkSize - 1) >> ChunkShift][];
        int[] chunk = [];
        // The count in a local rather than the out parameter, and the messages built in helpers:
        // both keep the loop's state in registers (it runs ~130k times for vmlinux).
        int count = 0;
        int o = 0;
        while (o < s.Length)
        {
            int left = s.Length - o;
            if (left < 12)
            {
                throw TypeTruncated(o, count, left);
            }

            uint info = U32(s, o + 4, big);
            int vlen = (int)(info & 0xffff);
            int kind = (int)((info >> 24) & 0x1f);
            int fixedPart = fixedExtra[kind];
            if (fixedPart == 0xff)
            {
                throw UnknownKind(o, count, kind);
            }

            int extra = fixedPart + vlen * perVlen[kind]; // at most 65535 * 12: no overflow
            if (extra > left - 12)
            {
                throw TypeOverruns(o, count, kind, vlen, extra, left);
            }

            int slot = count & ChunkMask;
            if (slot == 0 || slot == chunk.Length)
            {
                chunk = chunks[count >> ChunkShift] = NextChunk(chunk, slot, left);
            }

            chunk[slot] = o;
            count++;
            o += 12 + extra;
        }

        if (chunks.Length != (count + ChunkSize - 1) >> ChunkShift)
        {
            Array.Resize(ref chunks, (count + ChunkSize - 1) >> ChunkShift);
        }

        typeCount = count;
        return chunks;
    }

    /// <summary>
    /// A chunk for the types from here on (slot 0), or the current one grown. Only slots below the count are ever read,
    /// so chunks are not zeroed. A chunk starts at what the bytes left would hold at 48 bytes a type (an object's BTF
    /// averages more: a few hundred types need a few hundred slots, not the 12-byte bound's 2,000) and doubles, up to
    /// 8192, if the types are smaller.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int[] NextChunk(int[] current, int slot, int left)
    {
        if (slot == 0)
        {
            return GC.AllocateUninitializedArray<int>(Math.Min(ChunkSize, Math.Max(64, left / 48)));
        }

        var grown = GC.AllocateUninitializedArray<int>(Math.Min(ChunkSize, current.Length * 2));
        current.AsSpan().CopyTo(grown);
        return grown;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private BpfFormatException TypeTruncated(int o, int count, int left) =>
        Error(o, $"type {count + _firstId} is truncated: {left} bytes left, need 12");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private BpfFormatException UnknownKind(int o, int count, int kind) =>
        Error(o, $"type {count + _firstId} has unknown kind {kind}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private BpfFormatException TypeOverruns(int o, int count, int kind, int vlen, int extra, int left) =>
        Error(o, $"type {count + _firstId} ({(BtfKind)kind}, vlen {vlen}) needs {12 + extra} bytes but only {left} remain");

    private BtfType Materialize(uint id, int o)
    {
        var s = _types.Span;
        bool big = IsBigEndian;
        string name = GetString(U32(s, o, big));
        uint info = U32(s, o + 4, big);
        uint sizeOrType = U32(s, o + 8, big);
        int vlen = (int)(info & 0xffff);
        var kind = (BtfKind)((info >> 24) & 0x1f);
        bool kindFlag = (info >> 31) != 0;
        int p = o + 12;
        switch (kind)
        {
            case BtfKind.Int:
            {
                uint enc = U32(s, p, big);
                return new BtfInt(this, id, name, sizeOrType, (BtfIntEncoding)((enc >> 24) & 0xf), (byte)((enc >> 16) & 0xff), (byte)(enc & 0xff));
            }
            case BtfKind.Pointer: return new BtfPointer(this, id, name, Ref(sizeOrType, id));
            case BtfKind.Typedef: return new BtfTypedef(this, id, name, Ref(sizeOrType, id));
            case BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict: return new BtfQualifier(this, id, name, kind, Ref(sizeOrType, id));
            case BtfKind.TypeTag: return new BtfTypeTag(this, id, name, Ref(sizeOrType, id));
            case BtfKind.Forward: return new BtfForward(this, id, name, kindFlag);
            case BtfKind.Float: return new BtfFloat(this, id, name, sizeOrType);
            case BtfKind.Func: return new BtfFunc(this, id, name, Ref(sizeOrType, id), (BtfLinkage)vlen);
            case BtfKind.Var: return new BtfVar(this, id, name, Ref(sizeOrType, id), (BtfLinkage)U32(s, p, big));
            case BtfKind.DeclTag: return new BtfDeclTag(this, id, name, Ref(sizeOrType, id), (int)U32(s, p, big));
            case BtfKind.Array:
                return new BtfArray(this, id, name, Ref(U32(s, p, big), id), Ref(U32(s, p + 4, big), id), U32(s, p + 8, big));
            case BtfKind.Struct or BtfKind.Union:
            {
                var members = new BtfMember[vlen];
                for (int i = 0; i < vlen; i++, p += 12)
                {
                    uint off = U32(s, p + 8, big);
                    members[i] = new BtfMember(GetString(U32(s, p, big)), Ref(U32(s, p + 4, big), id),
                        kindFlag ? off & 0xffffff : off, kindFlag ? off >> 24 : 0) { NameOffset = U32(s, p, big) };
                }

                return new BtfComposite(this, id, name, kind, sizeOrType, members, kindFlag);
            }
            case BtfKind.Enum:
            {
                var values = new BtfEnumValue[vlen];
                for (int i = 0; i < vlen; i++, p += 8)
                {
                    uint raw = U32(s, p + 4, big);
                    values[i] = new BtfEnumValue(GetString(U32(s, p, big)), kindFlag ? (int)raw : raw) { NameOffset = U32(s, p, big) };
                }

                return new BtfEnum(this, id, name, kind, sizeOrType, kindFlag, values);
            }
            case BtfKind.Enum64:
            {
                var values = new BtfEnumValue[vlen];
                for (int i = 0; i < vlen; i++, p += 12)
                {
                    ulong v = U32(s, p + 4, big) | ((ulong)U32(s, p + 8, big) << 32);
                    values[i] = new BtfEnumValue(GetString(U32(s, p, big)), (long)v) { NameOffset = U32(s, p, big) };
                }

                return new BtfEnum(this, id, name, kind, sizeOrType, kindFlag, values);
            }
            case BtfKind.FuncProto:
            {
                var ps = new BtfParameter[vlen];
                for (int i = 0; i < vlen; i++, p += 8)
                {
                    ps[i] = new BtfParameter(GetString(U32(s, p, big)), Ref(U32(s, p + 4, big), id)) { NameOffset = U32(s, p, big) };
                }

                return new BtfFuncProto(this, id, name, Ref(sizeOrType, id), ps);
            }
            case BtfKind.Datasec:
            {
                var vars = new BtfVarSecInfo[vlen];
                for (int i = 0; i < vlen; i++, p += 12)
                {
                    vars[i] = new BtfVarSecInfo(Ref(U32(s, p, big), id), U32(s, p + 4, big), U32(s, p + 8, big));
                }

                return new BtfDatasec(this, id, name, sizeOrType, vars);
            }
            default:
                throw Error(o, $"type {id} has unknown kind {(int)kind}");
        }
    }

    /// <summary>
    /// Checks every type of this BTF in place, as materialising each would (name offsets inside the string section,
    /// referenced type ids that exist), with the same messages, but without decoding strings or making objects:
    /// libbpf's btf__new validates the same way. The open phase calls it so that bad ids fail at open.
    /// </summary>
    internal void Validate()
    {
        var s = _types.Span;
        bool big = IsBigEndian;
        // the bounds in locals, checked inline: the loop runs once per member and name, and the fields would be read
        // again after every call; names below firstString wrap around to the slow path (the base's strings, or the error)
        uint count = (uint)Count, firstString = _firstString, strings = (uint)_strings.Length;
        for (int i = 0; i < _typeCount; i++)
        {
            int o = Offset(i);
            uint id = (uint)i + _firstId;
            CheckName(U32(s, o, big), firstString, strings);
            uint info = U32(s, o + 4, big);
            uint sizeOrType = U32(s, o + 8, big);
            int vlen = (int)(info & 0xffff);
            int p = o + 12;
            var kind = (BtfKind)((info >> 24) & 0x1f);
            switch (kind)
            {
                case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                    or BtfKind.TypeTag or BtfKind.Func or BtfKind.Var or BtfKind.DeclTag:
                    CheckType(sizeOrType, count, id);
                    break;
                case BtfKind.Array:
                    CheckType(U32(s, p, big), count, id);
                    CheckType(U32(s, p + 4, big), count, id);
                    break;
                case BtfKind.Struct or BtfKind.Union:
                    for (int m = 0; m < vlen; m++, p += 12)
                    {
                        CheckName(U32(s, p, big), firstString, strings);
                        CheckType(U32(s, p + 4, big), count, id);
                    }

                    break;
                case BtfKind.Enum or BtfKind.Enum64:
                    for (int m = 0, step = kind == BtfKind.Enum ? 8 : 12; m < vlen; m++, p += step)
                    {
                        CheckName(U32(s, p, big), firstString, strings);
                    }

                    break;
                case BtfKind.FuncProto:
                    for (int m = 0; m < vlen; m++, p += 8)
                    {
                        CheckName(U32(s, p, big), firstString, strings);
                        CheckType(U32(s, p + 4, big), count, id);
                    }

                    CheckType(sizeOrType, count, id); // after the parameters, as Materialize checks them
                    break;
                case BtfKind.Datasec:
                    for (int m = 0; m < vlen; m++, p += 12)
                    {
                        CheckType(U32(s, p, big), count, id);
                    }

                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckName(uint offset, uint firstString, uint strings)
    {
        if (offset - firstString >= strings) CheckStringSlow(offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckType(uint target, uint count, uint from)
    {
        if (target >= count) throw NoSuchType(target, from);
    }

    /// <summary>The ids of this BTF's DATASECs, in id order, found without decoding any other type.</summary>
    internal uint[] DatasecIds
    {
        get
        {
            if (_datasecIds is { } known) return known;
            // an array, not a List<uint>: framework generics over uint are JIT-compiled in every fresh process
            int found = 0;
            var ids = new uint[4];
            for (int i = 0; i < _typeCount; i++)
            {
                if (KindAt(Offset(i)) != BtfKind.Datasec) continue;
                if (found == ids.Length) Array.Resize(ref ids, found * 2);
                ids[found++] = (uint)i + _firstId;
            }

            Array.Resize(ref ids, found);
            return _datasecIds = ids;
        }
    }

    /// <summary>The DATASEC named <paramref name="name"/> (".maps", ".kconfig"), or null; decodes only the DATASECs.</summary>
    internal BtfDatasec? FindDatasec(string name)
    {
        foreach (uint id in DatasecIds)
        {
            if (this[id] is BtfDatasec d && d.Name == name) return d;
        }

        return null;
    }

    /// <summary>GetString's range check alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckString(uint offset) => CheckName(offset, _firstString, (uint)_strings.Length);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckStringSlow(uint offset)
    {
        if (offset < _firstString)
        {
            _base!.CheckString(offset);
        }
        else
        {
            throw Error(null, $"string offset {offset} is outside the {StringsLength}-byte string section");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Ref(uint target, uint from)
    {
        CheckType(target, (uint)Count, from);
        return target;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private BpfFormatException NoSuchType(uint target, uint from) =>
        Error(null, $"type {from} refers to type id {target}, which does not exist (BTF has {Count} types)");
}
