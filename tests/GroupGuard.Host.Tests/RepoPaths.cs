namespace GroupGuard.Host.Tests;

/// <summary>Where the repository's own files are (shipped rules, fixtures), found from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GroupGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("GroupGuard.sln not found above " + AppContext.BaseDirectory);
    }
}
