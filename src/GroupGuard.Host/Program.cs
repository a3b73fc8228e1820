using GroupGuard.Host.Cli;

return await GroupGuardCommandLine.InvokeAsync(args);

/// <summary>The entry point, visible to WebApplicationFactory in the host tests.</summary>
public partial class Program;
