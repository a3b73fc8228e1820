using GroupGuard.Host;

return await GroupGuardApp.RunAsync(args);

/// <summary>The entry point, visible to WebApplicationFactory in the host tests.</summary>
public partial class Program;
