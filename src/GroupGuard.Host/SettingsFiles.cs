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

    [LoggerMessage(Level = LogLevel.Information, Message = "Settings files {Files} are links: they are polled for changes every 4 seconds (DOTNET_USE_POLLING_FILE_WATCHER), so that an edit of the files they lead to is read")]
    public static partial void LogPolling(ILogger logger, string files);
}
