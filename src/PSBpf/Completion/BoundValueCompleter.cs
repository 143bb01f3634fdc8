using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSBpf.Completion;

/// <summary>
/// Base of the PSBpf argument completers: finds the values already bound on the command line (fakeBoundParameters,
/// unwrapped from PSObject; the first element of an array) and turns candidate strings into CompletionResults.
/// The candidates themselves come from <see cref="CompletionCandidates"/>.
/// </summary>
public abstract class BoundValueCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<string> candidates;
        try
        {
            var bound = fakeBoundParameters ?? new Hashtable();
            // pipeline input is not in fakeBoundParameters: offer what a piped variable holds as the pipeline parameter's value
            if (PipelineInputResolver.Resolve(commandAst) is { } piped && !bound.Contains(PipelineKey))
            {
                bound = new Hashtable(bound, StringComparer.OrdinalIgnoreCase) { [PipelineKey] = piped };
            }

            candidates = Candidates(wordToComplete, bound);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or StackOverflowException))
        {
            candidates = []; // a completer must never throw into the user's tab key
        }

        return candidates.Select(c => new CompletionResult(Quote(c), c, CompletionResultType.ParameterValue, c));
    }

    /// <summary>Key under which the value piped into the command appears in the bound parameters handed to <see cref="Candidates"/>.</summary>
    protected const string PipelineKey = "<pipeline>";

    /// <summary>The candidate strings for <paramref name="word"/> given the bound parameters.</summary>
    protected abstract IReadOnlyList<string> Candidates(string word, IDictionary bound);

    /// <summary>The first of <paramref name="names"/> that is bound, unwrapped; null when none is.</summary>
    protected static object? Bound(IDictionary bound, params string[] names)
    {
        foreach (var name in names)
        {
            foreach (DictionaryEntry e in bound)
            {
                if (e.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && Unwrap(e.Value) is { } value) return value;
            }
        }

        return null;
    }

    private static object? Unwrap(object? value)
    {
        if (value is PSObject pso) value = pso.BaseObject;
        if (value is IList { Count: > 0 } list) return Unwrap(list[0]); // string is not an IList, so names stay whole
        return value;
    }

    private static string Quote(string candidate) =>
        candidate.IndexOfAny([' ', '\t', '$', '`', '\'', '"', '(', ')', '{', '}', ';', ',', '&', '|', '@', '#']) >= 0
            ? "'" + candidate.Replace("'", "''", StringComparison.Ordinal) + "'"
            : candidate;
}
