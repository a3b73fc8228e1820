namespace GroupGuard.Host;

/// <summary>
/// The settings files beside the executable (<c>appsettings.json</c>, <c>appsettings.&lt;environment&gt;.json</c>)
/// as links: kept with the machine's other settings (<c>/etc/groupguard</c>), or a Kubernetes
/// ConfigMap's files. .NET's file watcher sees a change to the link only, never to the file it
/// leads to, so an edit would not be read until a restart. Its polling watcher
/// (<c>DOTNET_USE_POLLING_FILE_WATCHER</c>, every 4 seconds) reads the time of the file at the end
/// of the link: when a settings file is a link and the variable is not set, the service sets it
/// for itself before the settings are read.
/// </summary>
internal static partial class SettingsFiles
{
    public const string PollingVariable = "DOTNET_USE_POLLING_FILE_WATCHER";

    /// <summary>The settings files in <paramref name="folder"/> that are links, by name.</summary>
    public static IReadOnlyList<string> Linked(string folder) =>
        Directory.Exists(folder)
            ? [.. new DirectoryInfo(folder).EnumerateFiles("appsettings*.json").Where(f => f.LinkTarget is not null).Select(f => f.Name).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>
    /// Whether to poll: some settings file in <paramref name="folder"/> is a link and
    /// <paramref name="variable"/> (the variable's value) is not set; set to anything, it is the operator's choice.
    /// </summary>
    public static bool ShouldPoll(string folder, string? variable) => string.IsNullOrEmpty(variable) && Linked(folder).Count > 0;

    /// <summary>Sets <see cref="PollingVariable"/> for this process when <see cref="ShouldPoll"/>; returns the linked files then, else none.</summary>
    public static IReadOnlyList<string> PollWhenLinked(string folder)
    {
        if (!ShouldPoll(folder, Environment.GetEnvironmentVariable(PollingVariable)))
        {
            return [];
        }

        Environment.SetEnvironmentVariable(PollingVariable, "1");
        return Linked(folder);
    }

    /// <summary>
    /// Settings files in <paramref name="current"/> (the folder the service was started from) that
    /// it would read were they beside the executable in <paramref name="beside"/>, and does not:
    /// <c>appsettings.json</c> and <c>appsettings.&lt;environment&gt;.json</c> where the file
    /// beside the executable is missing or says something else. A copy alike (the source folder of
    /// a build, which the build copies beside the executable) is no mistake. By full path.
    /// </summary>
    public static IReadOnlyList<string> NotRead(string current, string beside, string environment)
    {
        if (!Directory.Exists(current) || SameFolder(current, beside))
        {
            return [];
        }

        var unread = new List<string>();
        foreach (var name in new[] { "appsettings.json", $"appsettings.{environment}.json" }.Distinct(StringComparer.Ordinal))
        {
            var here = Path.Combine(current, name);
            if (!File.Exists(here))
            {
                continue;
            }

            var there = Path.Combine(beside, name);
            try
            {
                if (!File.Exists(there) || !File.ReadAllBytes(here).AsSpan().SequenceEqual(File.ReadAllBytes(there)))
                {
                    unread.Add(Path.GetFullPath(here));
                }
            }
            catch (IOException)
            {
                unread.Add(Path.GetFullPath(here)); // unreadable here or there: worth a look either way
            }
            catch (UnauthorizedAccessException)
            {
                unread.Add(Path.GetFullPath(here));
            }
        }

        return unread;
    }

    /// <summary>
    /// Settings files in <paramref name="folder"/> (the content root, beside the executable) whose
    /// names differ only by case from one the service reads there (<c>appsettings.json</c>,
    /// <c>appsettings.&lt;environment&gt;.json</c>): <c>appsettings.production.json</c> for the
    /// environment <c>Production</c>. On a file system whose names are case-sensitive (Linux) such a
    /// file is not read, without a word; where names ignore case it is read, and none is returned.
    /// Each as the name found and the name read, in the order of the names read.
    /// </summary>
    public static IReadOnlyList<(string Found, string Read)> WrongCase(string folder, string environment)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        List<string> present;
        try
        {
            present = [.. new DirectoryInfo(folder).EnumerateFiles("*", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive })
                .Select(f => f.Name)
                .Where(n => n.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var found = new List<(string, string)>();
        foreach (var read in new[] { "appsettings.json", $"appsettings.{environment}.json" }.Distinct(StringComparer.Ordinal))
        {
            foreach (var name in present.Where(n => string.Equals(n, read, StringComparison.OrdinalIgnoreCase) && !string.Equals(n, read, StringComparison.Ordinal)))
            {
                // Opened under the name read when names ignore case here: then it is read, and is no mistake.
                if (!present.Contains(read, StringComparer.Ordinal) && File.Exists(Path.Combine(folder, read)))
                {
                    continue;
                }

                found.Add((name, read));
            }
        }

        return found;
    }

    /// <summary>Warns of each file <see cref="WrongCase"/> finds in <paramref name="folder"/>.</summary>
    public static void WarnWrongCase(ILogger logger, string folder, string environment)
    {
        foreach (var (found, read) in WrongCase(folder, environment))
        {
            LogWrongCase(logger, found, folder, read, environment);
        }
    }

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Files} in the folder the service was started from is not read: settings are read from beside the executable, in {Folder} (or from environment variables such as GroupGuard__Rules__Path, or the command line). Copy the file there, or remove it")]
    public static partial void LogNotRead(ILogger logger, string files, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Found} in {Folder} is not read: file names are case-sensitive here, and the service reads {Read} (the environment is {Environment}). Rename the file")]
    private static partial void LogWrongCase(ILogger logger, string found, string folder, string read, string environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Settings files {Files} are links: they are polled for changes every 4 seconds (DOTNET_USE_POLLING_FILE_WATCHER), so that an edit of the files they lead to is read")]
    public static partial void LogPolling(ILogger logger, string files);
}
