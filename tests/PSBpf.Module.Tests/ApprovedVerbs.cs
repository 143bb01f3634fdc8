namespace PSBpf.Module.Tests;

/// <summary>
/// PowerShell's approved verbs (Get-Verb in PowerShell 7.4: VerbsCommon, VerbsData, VerbsLifecycle, VerbsDiagnostic,
/// VerbsCommunications, VerbsSecurity, VerbsOther). Hard-coded because there is no PowerShell here to ask.
/// </summary>
internal static class ApprovedVerbs
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        // Common
        "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New",
        "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set", "Show",
        "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
        // Data
        "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit", "Expand",
        "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore", "Save", "Sync",
        "Unpublish", "Update",
        // Lifecycle
        "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable", "Install", "Invoke",
        "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall", "Unregister", "Wait",
        // Diagnostic
        "Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace",
        // Communications
        "Connect", "Disconnect", "Read", "Receive", "Send", "Write",
        // Security
        "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect",
        // Other
        "Use",
    };
}
