namespace PSBpf.Errors;

/// <summary>How an exception is reported: ErrorId, category, a message for the user and an optional recommended action.</summary>
/// <param name="ErrorId">One of <see cref="BpfErrorIds"/>.</param>
/// <param name="Category">Error category.</param>
/// <param name="Message">Message for ErrorDetails: names the file (and section/offset for format errors).</param>
/// <param name="RecommendedAction">What the user can do about it, or null.</param>
public sealed record BpfErrorInfo(string ErrorId, BpfErrorCategory Category, string Message, string? RecommendedAction = null);
