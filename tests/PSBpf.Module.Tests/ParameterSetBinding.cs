namespace PSBpf.Module.Tests;

/// <summary>One [Parameter] attribute of a cmdlet parameter.</summary>
internal sealed record ParameterSetBinding(
    string SetName,
    bool Mandatory,
    int? Position,
    bool ValueFromPipeline,
    bool ValueFromPipelineByPropertyName)
{
    public const string AllSets = "__AllParameterSets";

    public bool IsAllSets => SetName == AllSets;
}
