namespace PSBpf.Engine.Btf;

/// <summary>CO-RE naming rules shared by externs and relocations.</summary>
public static class BtfCoreNames
{
    /// <summary>
    /// The name without its "___flavor" suffix: everything before the last "X___Y" separator
    /// where X and Y are not underscores (libbpf's bpf_core_essential_name_len).
    /// </summary>
    public static string EssentialName(string name)
    {
        for (int i = name.Length - 5; i >= 0; i--)
        {
            if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' && name[i + 4] != '_')
            {
                return name[..(i + 1)];
            }
        }

        return name;
    }
}
