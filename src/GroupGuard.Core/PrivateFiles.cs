namespace GroupGuard.Core;

/// <summary>
/// Files the service writes that hold chat text or personal data (the inbox journal, the incident
/// database, digests): readable and writable by the service's user only, where the platform has
/// Unix permissions.
/// </summary>
public static class PrivateFiles
{
    /// <summary>Has a file these options create readable by the service's user only (on Unix; elsewhere unchanged).</summary>
    public static FileStreamOptions OwnerOnly(this FileStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}
