namespace GroupGuard.Host.Cli;

/// <summary>
/// The settings given on the command line (<c>--GroupGuard:Rules:Path=/etc/rules</c>,
/// <c>--urls http://127.0.0.1:5140</c>), which every verb passes on to its configuration, told
/// apart from what is simply wrong (<c>--fromat csv</c>), which is a usage error.
/// </summary>
internal static class ConfigurationArguments
{
    // Settings without a ':' in their key: the host's own, and the sections themselves (a test
    // host or a tool may pass "--GroupGuard=" when it flattens its settings).
    private static readonly HashSet<string> PlainKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "environment", "applicationName", "contentRoot", "http_ports", "https_ports",
        "GroupGuard", "Logging", "Kestrel", "AllowedHosts",
    };

    /// <summary>
    /// Splits the tokens no verb option took into settings (as <c>--key=value</c> or <c>--key value</c>,
    /// ready for the configuration's command-line source) and errors, one per token that is neither.
    /// </summary>
    public static (List<string> Settings, List<string> Errors) Split(IReadOnlyList<string> unmatched)
    {
        var settings = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
            {
                errors.Add($"unexpected argument '{token}'");
                continue;
            }

            var eq = token.IndexOf('=', StringComparison.Ordinal);
            var key = eq > 0 ? token[2..eq] : token[2..];
            if (!key.Contains(':', StringComparison.Ordinal) && !PlainKeys.Contains(key))
            {
                errors.Add($"unknown option '{token}' (a setting is written --Section:Key=value, e.g. --GroupGuard:Rules:Path=rules)");
                continue;
            }

            if (eq > 0)
            {
                settings.Add(token);
            }
            else if (i + 1 < unmatched.Count && !unmatched[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                settings.Add($"{token}={unmatched[++i]}");
            }
            else
            {
                errors.Add($"the setting '{token}' needs a value (--{key}=VALUE)");
            }
        }

        return (settings, errors);
    }
}
