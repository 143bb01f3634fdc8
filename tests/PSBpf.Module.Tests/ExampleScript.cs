using System.Text;
using System.Text.RegularExpressions;

namespace PSBpf.Module.Tests;

/// <summary>
/// A small tokenizer for the example scripts (there is no PowerShell parser without pwsh): drops comments, blanks string
/// contents, joins backtick continuations, then finds the calls of Verb-Bpf* commands and the -Parameter names given to
/// them up to the end of the pipeline element (|, ;, a line end, or a closing bracket that is not its own).
/// Good enough for scripts written plainly: no splatting, no parameters built in strings.
/// </summary>
internal static partial class ExampleScript
{
    public static IReadOnlyList<ExampleScriptInvocation> BpfCalls(string text)
    {
        string code = StripCommentsAndStrings(text);
        var calls = new List<ExampleScriptInvocation>();
        foreach (Match m in BpfCommandRegex().Matches(code))
        {
            // Only the call's own level counts: text in brackets is an argument (a subexpression, an array, a script block).
            var own = new StringBuilder();
            int end = m.Index + m.Length, depth = 0;
            while (end < code.Length)
            {
                char c = code[end];
                if (c is '(' or '{' or '[') depth++;
                else if (c is ')' or '}' or ']')
                {
                    if (depth == 0) break;
                    depth--;
                    c = ' ';
                }
                else if (depth == 0 && c is '|' or ';' or '\n') break;
                own.Append(depth == 0 ? c : ' ');
                end++;
            }

            string args = own.ToString();
            var parameters = ParameterRegex().Matches(args).Select(p => p.Groups["name"].Value).ToList();
            int line = code.Take(m.Index).Count(c => c == '\n') + 1;
            calls.Add(new ExampleScriptInvocation(m.Value, parameters, line));
        }

        return calls;
    }

    /// <summary>Names used as <c>$o.&lt;collection&gt;.&lt;name&gt;</c> (e.g. Globals, Maps) in the script's code.</summary>
    public static IReadOnlySet<string> MemberNames(string text, string collection) =>
        Regex.Matches(StripCommentsAndStrings(text), @"\$o\." + collection + @"\.(?<name>[A-Za-z_][A-Za-z0-9_]*)")
            .Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The code with comments removed and string contents blanked (quotes kept), so that text in them is not taken for
    /// commands or parameters; line breaks are kept so line numbers stay right. Backtick line continuations become spaces.
    /// </summary>
    public static string StripCommentsAndStrings(string text)
    {
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '<' && i + 1 < text.Length && text[i + 1] == '#')
            {
                int close = text.IndexOf("#>", i + 2, StringComparison.Ordinal);
                int stop = close < 0 ? text.Length : close + 2;
                sb.Append('\n', text.AsSpan(i, stop - i).Count('\n'));
                i = stop;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n') i++;
            }
            else if (c == '`' && i + 1 < text.Length && text[i + 1] is '\n' or '\r')
            {
                sb.Append(' ');
                i += text[i + 1] == '\r' && i + 2 < text.Length && text[i + 2] == '\n' ? 3 : 2;
            }
            else if (c is '\'' or '"')
            {
                // '' inside '...' and `x inside "..." are escapes; "" inside "..." too.
                int j = i + 1;
                while (j < text.Length)
                {
                    if (c == '"' && text[j] == '`') j += 2;
                    else if (text[j] == c && j + 1 < text.Length && text[j + 1] == c) j += 2;
                    else if (text[j] == c) break;
                    else j++;
                }

                sb.Append(c).Append('\n', text.AsSpan(i, Math.Min(j, text.Length) - i).Count('\n')).Append(c);
                i = j + 1;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"(?<![\w$.\-])[A-Z][a-z]+-Bpf[A-Za-z]+\b")]
    private static partial Regex BpfCommandRegex();

    [GeneratedRegex(@"(?<=^|\s)-(?<name>[A-Za-z][A-Za-z0-9]*)(?=[\s:]|$)")]
    private static partial Regex ParameterRegex();
}
