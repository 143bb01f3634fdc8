namespace PSBpf.Engine;

/// <summary>
/// A stable sort by an unsigned key, as LINQ's OrderBy, written here because OrderBy's sorter instantiated over a
/// <c>uint</c> key is framework code no ReadyToRun image holds (it is JIT-compiled in every fresh process).
/// </summary>
internal static class StableSort
{
    public static T[] ByKey<T>(IReadOnlyList<T> items, Func<T, ulong> key)
    {
        var a = new T[items.Count];
        var keys = new ulong[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = items[i];
            keys[i] = key(a[i]);
        }

        var b = new T[a.Length];
        var bk = new ulong[a.Length];
        // bottom-up merge sort: equal keys keep their order because the left run wins ties
        for (int width = 1; width < a.Length; width *= 2)
        {
            for (int lo = 0; lo < a.Length; lo += 2 * width)
            {
                int mid = Math.Min(lo + width, a.Length), hi = Math.Min(lo + 2 * width, a.Length);
                int i = lo, j = mid, k = lo;
                while (i < mid && j < hi)
                {
                    if (keys[j] < keys[i]) { b[k] = a[j]; bk[k++] = keys[j++]; }
                    else { b[k] = a[i]; bk[k++] = keys[i++]; }
                }

                while (i < mid) { b[k] = a[i]; bk[k++] = keys[i++]; }
                while (j < hi) { b[k] = a[j]; bk[k++] = keys[j++]; }
            }

            (a, b) = (b, a);
            (keys, bk) = (bk, keys);
        }

        return a;
    }
}
