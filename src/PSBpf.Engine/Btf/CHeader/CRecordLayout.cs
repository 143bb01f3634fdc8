namespace PSBpf.Engine.Btf.CHeader;

/// <summary>
/// Member offsets, size and alignment of a struct or union, by the rules clang applies for -target bpf (the System V
/// rules): a bitfield moves to the next unit of its type's alignment only when it would cross a unit of its type's size;
/// a zero-width bitfield aligns the next one; unnamed bitfields take space but no alignment; packed members align to
/// 1 byte (and bitfields pack bit by bit); <c>aligned(N)</c> raises a member's or the record's alignment.
/// </summary>
internal static class CRecordLayout
{
    public static void Layout(CRecordType record, IReadOnlyList<CFieldDeclaration> members, bool packed, int aligned)
    {
        var fields = new List<CField>(members.Count);
        long offset = 0;     // bits: the end of the last member (struct), or 0 (union)
        long dataBits = 0;   // bits used so far
        int align = 1;       // bytes
        foreach (var m in members)
        {
            bool memberPacked = packed || m.Packed;
            int typeAlign = m.Type.AlignAt(m.Location);
            long typeBits = checked(m.Type.SizeAt(m.Location) * 8);
            if (m.Width is int width)
            {
                // in bits: a packed bitfield aligns to 1 bit, so it never moves to avoid crossing a unit
                long alignBits = Math.Max(memberPacked && width != 0 ? 1 : typeAlign * 8L, m.Aligned * 8L);
                int fieldAlign = (int)Math.Max(1, alignBits / 8);
                long at = record.IsUnion ? 0 : offset;
                if (!record.IsUnion && (width == 0 || (at % alignBits) + width > typeBits))
                {
                    at = RoundUp(at, alignBits);
                }

                if (m.Name.Length > 0) fields.Add(new CField(m.Name, m.Type, at, width));
                if (!record.IsUnion) offset = at + width;
                dataBits = Math.Max(dataBits, record.IsUnion ? RoundUp(width, 8) : at + width);
                if (m.Name.Length > 0) align = Math.Max(align, fieldAlign); // unnamed bitfields pad but do not align the record
                continue;
            }

            int memberAlign = Math.Max(memberPacked ? 1 : typeAlign, m.Aligned);
            long start = record.IsUnion ? 0 : RoundUp(offset, memberAlign * 8L);
            fields.Add(new CField(m.Name, m.Type, start, 0));
            if (!record.IsUnion) offset = start + typeBits;
            dataBits = Math.Max(dataBits, start + typeBits);
            align = Math.Max(align, memberAlign);
        }

        align = Math.Max(align, aligned);
        record.Complete(fields, RoundUp(RoundUp(dataBits, 8) / 8, align), align);
    }

    private static long RoundUp(long value, long unit) => unit <= 1 ? value : (value + unit - 1) / unit * unit;
}
