using PSBpf.HelpGen;

// HelpGen <docs-dir> <output-dir>: writes <external help file>.xml (MAML) and about_*.help.txt into output-dir.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: HelpGen <docs-directory> <output-directory>");
    return 2;
}

try
{
    var help = HelpGenerator.Generate(args[0]);
    foreach (var path in HelpGenerator.Write(help, args[1]))
    {
        Console.WriteLine(path);
    }

    return 0;
}
catch (Exception e) when (e is HelpFormatException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"HelpGen: {e.Message}");
    return 1;
}
