using System.Runtime.InteropServices;

namespace GroupGuard.Host;

/// <summary>
/// glibc gives each thread that calls malloc an arena of its own, up to eight per core, and
/// memory freed in one arena is not reused by another: under a steady load SQLite's allocations,
/// made from whichever pool thread runs the query, spread over a dozen arenas whose resident size
/// kept creeping for minutes (tools/soak.sh: 15 arenas, 63 MiB, of a 400 MiB process). Two arenas
/// are what the GC-managed rest of the service needs. Set before the host starts its threads;
/// <c>MALLOC_ARENA_MAX</c> in the environment, which glibc reads itself, wins.
/// </summary>
internal static class NativeHeap
{
    /// <summary>glibc's <c>M_ARENA_MAX</c> (malloc.h).</summary>
    private const int ArenaMaxOption = -8;

    internal const int Arenas = 2;

    /// <summary>Limits glibc's malloc arenas; true when it took. Does nothing off Linux, or with another C library.</summary>
    public static bool LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return false;
        }

        try
        {
            return MallOpt(ArenaMaxOption, Arenas) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (musl has no arenas to limit)
        }
    }

    // DllImport, not LibraryImport: two ints need no marshalling, and the project has no unsafe code.
    [DllImport("libc", EntryPoint = "mallopt", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallOpt(int option, int value);
}
