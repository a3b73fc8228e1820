using System.Runtime.InteropServices;

namespace GroupGuard.Host.Tests;

public sealed class NativeHeapTests
{
    [Fact]
    public void On_Linux_with_glibc_the_malloc_arenas_are_limited_unless_the_environment_says_otherwise()
    {
        var glibc = OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);
        var set = Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null;

        // glibc's mallopt answers 1 when it takes the limit; elsewhere nothing is tried.
        Assert.Equal(glibc && !set, NativeHeap.LimitArenas());
    }
}
