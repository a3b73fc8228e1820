namespace GroupGuard.QQBot;

/// <summary>Which <see cref="QQBotOptions.Path"/> the host can map: the validator and the endpoint agree through this.</summary>
public static class QQBotPaths
{
    public const int MaxLength = 200;

    /// <summary>The service's own routes; the platform's deliveries must not land on them.</summary>
    public static IReadOnlyList<string> Taken { get; } = ["/healthz", "/onebot/v11", "/onebot/v12"];

    public static bool IsUsable(string? path) =>
        path is { Length: > 1 and <= MaxLength } && path[0] == '/' && !path.Contains("//", StringComparison.Ordinal)
        && path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or '~')
        && !Taken.Contains(path.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
}
