// Opens BPF object files with PSBpf's engine and prints what libbpf's open phase would see:
// programs with their types and attach targets, maps, global variables with their values, externs.
// Usage: dotnet run --project examples/ObjectInfo -- <file.bpf.o> [more files]
using PSBpf.Engine;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: ObjectInfo <file.bpf.o> [...]");
    return 2;
}

int status = 0;
foreach (var path in args)
{
    try
    {
        using var obj = BpfObject.Open(path);
        Console.WriteLine($"{obj.Name}  ({obj.Path})  license \"{obj.License}\"");
        Console.WriteLine();
        Console.WriteLine($"  {"PROGRAM",-24} {"TYPE",-16} {"SECTION",-40} {"INSNS",5}  AUTOLOAD");
        foreach (var p in obj.Programs)
        {
            Console.WriteLine($"  {p.Name,-24} {p.Type,-16} {p.SectionName,-40} {p.InstructionCount,5}  {p.AutoLoad}");
        }

        Console.WriteLine();
        Console.WriteLine($"  {"MAP",-24} {"TYPE",-16} {"KEY",5} {"VALUE",7} {"MAX",8}  FLAGS");
        foreach (var m in obj.Maps)
        {
            Console.WriteLine($"  {m.Name,-24} {m.Type,-16} {m.KeySize,5} {m.ValueSize,7} {m.MaxEntries,8}  0x{m.Flags:x}");
        }

        if (obj.Globals.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"  {"GLOBAL",-24} {"SECTION",-16} VALUE");
            foreach (var g in obj.Globals)
            {
                Console.WriteLine($"  {g.Name,-24} {g.Section,-16} {Format(g.Value)}");
            }
        }

        if (obj.Externs.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"  externs: {string.Join(", ", obj.Externs.Select(e => $"{e.Name} ({e.Kind})"))}");
        }

        Console.WriteLine();
    }
    catch (Exception e) when (e is BpfFormatException or FileNotFoundException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        status = 1;
    }
}

return status;

static string Format(object? v) => v switch
{
    null => "null",
    string s => $"\"{s}\"",
    System.Collections.IDictionary d => "{ " + string.Join(", ", d.Keys.Cast<object>().Select(k => $"{k} = {Format(d[k])}")) + " }",
    System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
    _ => v.ToString() ?? string.Empty,
};
