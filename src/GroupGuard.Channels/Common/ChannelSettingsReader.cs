using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace GroupGuard.Channels;

/// <summary>
/// Reads <c>GroupGuard:Channels</c> into typed settings by each channel's <c>Type</c>. Values of the
/// wrong kind and keys the type does not use are recorded as failures naming the key (a misspelt
/// <c>Scret</c> would otherwise leave the channel silently unsigned), for the validator to report.
/// </summary>
internal sealed class ChannelSettingsReader
{
    private readonly IConfigurationSection _section;
    private readonly List<string> _failures;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase) { "Type" };

    private ChannelSettingsReader(IConfigurationSection section, List<string> failures)
    {
        _section = section;
        _failures = failures;
    }

    public static void Read(IConfiguration channels, DigestChannelsOptions options)
    {
        foreach (var section in channels.GetChildren())
        {
            var reader = new ChannelSettingsReader(section, options.ReadFailures);
            var type = section["Type"]?.Trim();
            DigestChannelOptions settings = type?.ToLowerInvariant() switch
            {
                ChannelTypes.WeCom => WeComChannelOptions.Read(reader),
                ChannelTypes.DingTalk => DingTalkChannelOptions.Read(reader),
                ChannelTypes.Feishu => FeishuChannelOptions.Read(reader),
                ChannelTypes.Email => EmailChannelOptions.Read(reader),
                ChannelTypes.OneBot => OneBotChannelOptions.Read(reader),
                ChannelTypes.File => FileChannelOptions.Read(reader),
                _ => new UnknownChannelOptions(type),
            };
            if (settings is not UnknownChannelOptions)
            {
                reader.ReportUnknownKeys(settings.Type);
            }

            options.Channels[section.Key] = settings;
        }
    }

    public string? String(string name)
    {
        _known.Add(name);
        var value = _section[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public int? Int(string name)
    {
        var value = String(name);
        if (value is null)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        _failures.Add($"{_section.Path}:{name} must be a whole number, got '{value}'");
        return null;
    }

    public bool? Bool(string name)
    {
        var value = String(name);
        if (value is null)
        {
            return null;
        }

        if (bool.TryParse(value, out var flag))
        {
            return flag;
        }

        _failures.Add($"{_section.Path}:{name} must be true or false, got '{value}'");
        return null;
    }

    /// <summary>A list written as an array, or as one plain value.</summary>
    public List<string> List(string name)
    {
        var single = String(name);
        if (single is not null)
        {
            return [single];
        }

        return _section.GetSection(name).GetChildren()
            .Select(static child => child.Value?.Trim())
            .Where(static value => !string.IsNullOrEmpty(value))
            .Select(static value => value!)
            .ToList();
    }

    private void ReportUnknownKeys(string type)
    {
        foreach (var child in _section.GetChildren())
        {
            if (!_known.Contains(child.Key))
            {
                var known = string.Join(", ", _known);
                _failures.Add($"{child.Path} is not a {type} setting (known: {known})");
            }
        }
    }
}
