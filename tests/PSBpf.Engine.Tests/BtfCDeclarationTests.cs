using System.Text.RegularExpressions;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Tests;

/// <summary>
/// BTF types print as C declarations. The oracle is the C the fixtures were compiled from: each global variable's and
/// each one-line function definition's BTF, printed, equals the declaration in the .bpf.c source; and vmlinux types
/// whose C spelling is known (pointers to functions and arrays, qualified pointers, varargs).
/// </summary>
public sealed partial class BtfCDeclarationTests
{
    private static string Normalize(string c) => Spaces().Replace(c.Trim(), " ").Replace(" [", "[", StringComparison.Ordinal);

    [Fact]
    public void Globals_and_functions_print_as_the_source_declares_them()
    {
        int compared = 0;
        foreach (var source in Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "tests", "fixtures"), "*.bpf.c"))
        {
            string name = Path.GetFileName(source)[..^".bpf.c".Length];
            if (!File.Exists(Fixtures.Object(name))) continue;
            using var obj = BpfObject.Open(Fixtures.Object(name));
            if (obj.Btf is null) continue;

            foreach (string line in File.ReadLines(source))
            {
                if (GlobalLine().Match(line) is { Success: true } g && obj.Btf.FindByName(g.Groups["name"].Value, BtfKind.Var) is { } v)
                {
                    Assert.Equal(Normalize(g.Groups["decl"].Value), v.ToString());
                    compared++;
                }
                else if (FunctionLine().Match(line) is { Success: true } f && obj.Btf.FindByName(f.Groups["name"].Value, BtfKind.Func) is { } fn)
                {
                    Assert.Equal(Normalize(f.Groups["decl"].Value), fn.ToString());
                    compared++;
                }
            }
        }

        Assert.True(compared >= 20, $"only {compared} declarations compared");
    }

    [Fact]
    public void Bootstrap_globals_are_the_C_types_a_person_expects()
    {
        using var obj = BpfObject.Open(Fixtures.Object("bootstrap"));
        Assert.Equal("const volatile unsigned long long", obj.Globals["min_duration_ns"].Type.ToString());
        Assert.Equal("pid_t", obj.Maps["exec_start"].KeyType!.ToString());
    }

    [Theory]
    [InlineData("task_struct", "comm", "char[16]")]
    [InlineData("task_struct", "parent", "struct task_struct *")]
    [InlineData("task_struct", "real_cred", "const struct cred *")]
    [InlineData("file_operations", "read", "ssize_t (*)(struct file *, char *, size_t, loff_t *)")]
    [InlineData("file_operations", "owner", "struct module *")]
    public void Vmlinux_members_print_as_C(string structName, string member, string expected)
    {
        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var s = Assert.IsType<BtfComposite>(vmlinux.FindByName(structName, BtfKind.Struct));
        var m = s.Members.Single(x => x.Name == member);
        Assert.Equal(expected, vmlinux[m.TypeId].ToString());
    }

    [Theory]
    [InlineData("_printk", "int _printk(const char *fmt, ...)")]
    [InlineData("vfs_read", "ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)")]
    public void Vmlinux_functions_print_as_C_prototypes(string function, string expected)
    {
        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        Assert.Equal(expected, vmlinux.FindByName(function, BtfKind.Func)!.ToString());
    }

    // Top-level "type name[N] = init;" / "type name;" (not maps, not extern, not #define), attributes dropped.
    [GeneratedRegex(@"^(?:static\s+)?(?<decl>(?!extern\b|struct\s*\{|return\b)[A-Za-z_][\w\s\*]*?\b(?<name>[A-Za-z_]\w*)(?:\s*\[\d+\])*)\s*(?:__attribute__\(\(\w+\)\)\s*|SEC\(""[^""]*""\)\s*)*(?:=[^;]*)?;\s*$")]
    private static partial Regex GlobalLine();

    // One-line function definition headers: "int name(params)" with nothing after the closing parenthesis.
    [GeneratedRegex(@"^(?<decl>(?:int|long|__u64|__u32|__s64|void)\s+\**(?<name>[A-Za-z_]\w*)\((?:[\w\s\*,]*)\))\s*$")]
    private static partial Regex FunctionLine();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
