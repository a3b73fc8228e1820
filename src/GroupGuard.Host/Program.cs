using GroupGuard.Host;
using GroupGuard.Host.Cli;

// Before the host starts any thread: see NativeHeap.
NativeHeap.LimitArenas();
return await GroupGuardCommandLine.InvokeAsync(args);

/// <summary>The entry point, visible to WebApplicationFactory in the host tests.</summary>
public partial class Program;
