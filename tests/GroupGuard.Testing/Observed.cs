using System.Reflection;
using System.Runtime.ExceptionServices;

namespace GroupGuard.Testing;

/// <summary>One finished call through an <see cref="Observed"/> wrapper: after its task completed, for an async method.</summary>
public sealed record ObservedCall(string Method, IReadOnlyList<object?> Arguments, Exception? Failure)
{
    public override string ToString() => $"{Method}({Arguments.Count} arguments){(Failure is null ? "" : " failed: " + Failure.Message)}";
}

/// <summary>
/// Puts a recorder in front of a real implementation of an interface: every call goes through
/// unchanged, and is recorded once it has finished (its task completed), so a test can wait for
/// "the store has recorded the action's outcome" instead of polling. Works on the interface as it
/// is, whatever its methods' signatures: no copy of them to keep in step.
/// </summary>
public static class Observed
{
    public static T Wrap<T>(T inner, Recording<ObservedCall> calls)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(calls);
        var proxy = DispatchProxy.Create<T, ObservingProxy<T>>();
        var observing = (ObservingProxy<T>)(object)proxy;
        observing.Inner = inner;
        observing.Calls = calls;
        return proxy;
    }
}

#pragma warning disable CA1852 // DispatchProxy derives a type from it at run time: it cannot be sealed.
internal class ObservingProxy<T> : DispatchProxy
#pragma warning restore CA1852
    where T : class
{
    internal T Inner { get; set; } = null!;

    internal Recording<ObservedCall> Calls { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        IReadOnlyList<object?> arguments = args ?? [];
        object? result;
        try
        {
            result = targetMethod.Invoke(Inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            Calls.Add(new ObservedCall(targetMethod.Name, arguments, ex.InnerException));
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        if (result is Task task)
        {
            // Recorded when the work is done (a write committed), before or after its caller resumes.
            _ = task.ContinueWith(
                t => Calls.Add(new ObservedCall(targetMethod.Name, arguments, t.Exception?.InnerException)),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        else
        {
            Calls.Add(new ObservedCall(targetMethod.Name, arguments, null));
        }

        return result;
    }
}
