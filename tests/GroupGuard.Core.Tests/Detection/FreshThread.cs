namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// Runs a detection on a thread of its own. The fold keeps its buffers per thread and only ever
/// grows them, so a message that must not outgrow them is checked where they start small, as on a
/// worker's first message, whatever ran on the test's thread before.
/// </summary>
internal static class FreshThread
{
    public static T Run<T>(Func<T> detect)
    {
        T result = default!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = detect();
            }
            catch (Exception ex)
            {
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
