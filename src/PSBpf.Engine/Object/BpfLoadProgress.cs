namespace PSBpf.Engine;

/// <summary>One step of a load, for progress reporting.</summary>
/// <param name="Stage">"maps" or "programs".</param>
/// <param name="Item">The map or program about to be created or loaded.</param>
/// <param name="Completed">Items of this stage already done.</param>
/// <param name="Total">Items in this stage.</param>
public sealed record BpfLoadProgress(string Stage, string Item, int Completed, int Total);
