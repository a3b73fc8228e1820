namespace GroupGuard.Channels;

internal static class ChannelValidation
{
    public static void Required(List<string> failures, string key, string setting, string? value, string type)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key}:{setting} is required for {type}");
        }
    }

    /// <summary>
    /// Checks a robot address. The address carries the robot's key, so a mistake is described
    /// without quoting it. <paramref name="tokenName"/> is the query parameter that carries it
    /// (checked on the robots' own hosts), <paramref name="secret"/> what to call it.
    /// </summary>
    public static void RobotUrl(List<string> failures, string key, string? value, string type, string? tokenName, string secret)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key}:Url is required for {type}");
            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{key}:Url must be an absolute http or https URL (the robot's webhook address)");
            return;
        }

        // The address is the robot's password: anyone on the path who reads it can post to the
        // group. As email needs TLS across a network (EmailChannel.Security), http is for a relay
        // or a sink on this machine only.
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            failures.Add($"{key}:Url must be https: over http the robot's {secret} crosses the network unencrypted (http is for a relay on this machine only)");
            return;
        }

        // An address copied from deploy/'s example still carries its "<the robot's key>": refused
        // at start as the example's secret placeholders are, rather than at the first alert.
        if (HoldsPlaceholder(uri))
        {
            failures.Add($"{key}:Url is still the placeholder of the example settings: copy the whole webhook address from the robot's settings, its {secret} in place of <…>");
            return;
        }

        // Only the robots' own hosts are held to their token: a proxy or a local sink in front of
        // them may carry it elsewhere.
        if (tokenName is not null && IsRobotHost(uri.Host) && string.IsNullOrWhiteSpace(SecretScrubber.QueryValue(uri, tokenName)))
        {
            failures.Add($"{key}:Url has no {tokenName}= value: copy the whole webhook address from the robot's settings");
        }
    }

    /// <summary>
    /// Whether the path or query, once decoded, holds a <c>&lt;…&gt;</c> placeholder: a robot's
    /// real address never has angle brackets, which a URL can carry only escaped.
    /// </summary>
    private static bool HoldsPlaceholder(Uri uri)
    {
        var decoded = Uri.UnescapeDataString(uri.PathAndQuery);
        var open = decoded.IndexOf('<', StringComparison.Ordinal);
        return open >= 0 && decoded.IndexOf('>', open + 1) > open;
    }

    private static bool IsRobotHost(string host) =>
        host.Equals("qyapi.weixin.qq.com", StringComparison.OrdinalIgnoreCase)
        || host.Equals("oapi.dingtalk.com", StringComparison.OrdinalIgnoreCase);
}
