using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace PSBpf.Completion;

/// <summary>
/// The value piped into the command being completed, when the element before it is a variable or a chain of property
/// accesses on one (<c>$o | Get-BpfProgram -Name &lt;Tab&gt;</c>, <c>$o.Maps.rb | Receive-BpfRingBuffer -Type &lt;Tab&gt;</c>).
/// Only variables are read and only properties followed: completion must never run the user's code (no method calls, no commands).
/// </summary>
internal static class PipelineInputResolver
{
    public static object? Resolve(CommandAst? command)
    {
        if (command?.Parent is not PipelineAst pipeline) return null;
        int index = pipeline.PipelineElements.IndexOf(command);
        if (index <= 0 || pipeline.PipelineElements[index - 1] is not CommandExpressionAst { Redirections.Count: 0 } previous) return null;
        return Evaluate(previous.Expression, depth: 0);
    }

    private static object? Evaluate(ExpressionAst expression, int depth)
    {
        if (depth > 8) return null;
        switch (expression)
        {
            case VariableExpressionAst variable when !variable.Splatted:
                var value = Runspace.DefaultRunspace?.SessionStateProxy.GetVariable(variable.VariablePath.UserPath);
                return value is PSObject pso ? pso.BaseObject : value;
            case MemberExpressionAst { Static: false, Member: StringConstantExpressionAst member } access and not InvokeMemberExpressionAst:
                if (Evaluate(access.Expression, depth + 1) is not { } target) return null;
                // PSObject's properties include the by-name members BpfObjectWrapper adds ($o.Maps.rb)
                var result = PSObject.AsPSObject(target).Properties[member.Value]?.Value;
                return result is PSObject wrapped ? wrapped.BaseObject : result;
            case ParenExpressionAst { Pipeline: PipelineAst { PipelineElements.Count: 1 } inner } when inner.PipelineElements[0] is CommandExpressionAst e:
                return Evaluate(e.Expression, depth + 1);
            default:
                return null;
        }
    }
}
