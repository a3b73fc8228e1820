using System.Globalization;
using Microsoft.Extensions.Options;

namespace GroupGuard.WeCom.Archive;

/// <summary>Checks <see cref="WeComArchiveOptions"/> at start, naming each setting that is wrong.</summary>
internal sealed class WeComArchiveOptionsValidator : IValidateOptions<WeComArchiveOptions>
{
    public ValidateOptionsResult Validate(string? name, WeComArchiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        const string S = WeComArchiveOptions.Section;
        var errors = new List<string>();
        if (options.CorpId!.Length > 64 || options.CorpId.Any(char.IsWhiteSpace))
        {
            errors.Add($"{S}:CorpId is not a corporation id (no spaces, at most 64 characters)");
        }

        if (string.IsNullOrWhiteSpace(options.Secret))
        {
            errors.Add($"{S}:Secret is not set: the chat archive's Secret from the WeCom admin console (管理工具 → 会话内容存档)");
        }

        // Each goes to the SDK as a C string, which a control character would cut short or garble.
        foreach (var (key, value) in new[] { ("CorpId", options.CorpId), ("Secret", options.Secret), ("Proxy", options.Proxy), ("ProxyPassword", options.ProxyPassword) })
        {
            if (value is not null && value.Any(char.IsControl))
            {
                errors.Add($"{S}:{key} contains a control character (a line break or NUL pasted with it?)");
            }
        }

        if (string.IsNullOrWhiteSpace(options.SdkPath))
        {
            errors.Add($"{S}:SdkPath is not set: the path of libWeWorkFinanceSdk_C.so, downloaded from WeCom");
        }
        else if (!File.Exists(options.SdkPath))
        {
            errors.Add($"{S}:SdkPath '{options.SdkPath}' does not exist");
        }

        if (options.PrivateKeys.Count == 0)
        {
            errors.Add($"{S}:PrivateKeys is empty: give the PEM file of each publickey_ver, e.g. {{ \"1\": \"/etc/groupguard/archive-v1.pem\" }}");
        }

        foreach (var (version, path) in options.PrivateKeys)
        {
            if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
            {
                errors.Add($"{S}:PrivateKeys:{version} is not a publickey_ver (a positive whole number)");
            }
            else if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
            {
                errors.Add($"{S}:PrivateKeys:{version} '{path}' does not exist");
            }
        }

        if (options.PollSeconds is < 1 or > 3600)
        {
            errors.Add($"{S}:PollSeconds must be 1 to 3600, not {options.PollSeconds}");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            errors.Add($"{S}:BatchSize must be 1 to 1000 (the SDK's maximum), not {options.BatchSize}");
        }

        if (options.TimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"{S}:TimeoutSeconds must be 1 to 300, not {options.TimeoutSeconds}");
        }

        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http"))
        {
            errors.Add($"{S}:ApiBaseUrl is not an http(s) URL (https://qyapi.weixin.qq.com)");
        }

        if (!string.IsNullOrEmpty(options.Proxy) && !Uri.TryCreate(options.Proxy, UriKind.Absolute, out _))
        {
            errors.Add($"{S}:Proxy is not a URL (http://host:port)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
