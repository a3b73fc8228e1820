using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core;

/// <summary>
/// The configuration binder ignores, without a word, one plain value where a setting takes a list:
/// <c>GroupGuard__Console__TrustedProxies=127.0.0.1</c> (a list in environment variables is
/// written <c>…__TrustedProxies__0=127.0.0.1</c>) or <c>"To": "wang@example.com"</c> leaves the
/// list empty, and the service runs as if it had never been set. So it does a key that is no
/// setting at all: a misspelt <c>"ConectionString"</c> left the service on a new, empty database
/// beside the one configured. This check walks a kind of settings and its section side by side and
/// names each such key, saying how a list is written, or which setting a key was probably meant as.
/// </summary>
public static class SettingsShape
{
    /// <summary>How deep settings nest at most (a leader's channels, a connection's options): deeper is not looked at.</summary>
    private const int MaxDepth = 8;

    /// <summary>Adds to <paramref name="failures"/> each key under <paramref name="section"/> that holds one value where <paramref name="type"/> takes a list or a map.</summary>
    public static void Check(IConfigurationSection section, Type type, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(failures);
        CheckValue(section, type, failures, 0);
    }

    private static void CheckValue(IConfigurationSection section, Type type, List<string> failures, int depth)
    {
        if (depth > MaxDepth || IsPlain(type))
        {
            return;
        }

        var children = section.GetChildren().ToList();
        if (ItemType(type) is { } item)
        {
            if (!string.IsNullOrWhiteSpace(section.Value))
            {
                // Beside entries from another source too (a variable over a JSON list), it is ignored.
                failures.Add(Describe(section.Path, IsMap(type)));
            }

            foreach (var child in children)
            {
                CheckValue(child, item, failures, depth + 1);
            }

            return;
        }

        var properties = type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(static p => p.GetIndexParameters().Length == 0 && Bindable(p))
            .ToList();
        foreach (var child in children)
        {
            if (!properties.Any(p => string.Equals(KeyOf(p), child.Key, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add(DescribeUnknown(child.Path, [.. properties.Select(KeyOf)]));
            }
        }

        foreach (var property in properties)
        {
            if (IsPlain(property.PropertyType))
            {
                continue;
            }

            var child = children.FirstOrDefault(c => string.Equals(c.Key, KeyOf(property), StringComparison.OrdinalIgnoreCase));
            if (child is not null)
            {
                CheckValue(child, property.PropertyType, failures, depth + 1);
            }
        }
    }

    /// <summary>
    /// Whether the binder sets <paramref name="property"/> from its key: one with a public setter, or
    /// a list or a map it fills in place; not one worked out from others (<c>Steps</c>, <c>Enabled =&gt; …</c>).
    /// </summary>
    private static bool Bindable(System.Reflection.PropertyInfo property)
    {
        if (property.SetMethod is { IsPublic: true })
        {
            return true;
        }

        var type = property.PropertyType;
        return !IsPlain(type) && !(type.IsInterface && type.IsGenericType
            && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyDictionary<,>)));
    }

    /// <summary>The key the binder reads a property from: its name, or the one its <see cref="ConfigurationKeyNameAttribute"/> gives.</summary>
    private static string KeyOf(System.Reflection.PropertyInfo property) =>
        property.GetCustomAttributes(typeof(ConfigurationKeyNameAttribute), inherit: true) is [ConfigurationKeyNameAttribute named, ..] ? named.Name : property.Name;

    /// <summary>
    /// What the operator is told of a key no setting is read from: that it is ignored, and the
    /// setting it was probably meant as (a letter or two off), else the settings its section has.
    /// </summary>
    public static string DescribeUnknown(string path, IReadOnlyList<string> settings)
    {
        var at = path.LastIndexOf(':');
        var (section, key) = at < 0 ? ("", path) : (path[..at], path[(at + 1)..]);
        var meant = Meant(key, settings);
        return meant is not null
            ? $"{path} is not a setting and would be ignored: probably meant {(section.Length > 0 ? section + ":" : "")}{meant}"
            : $"{path} is not a setting and would be ignored: remove it, or write one of the settings {(section.Length > 0 ? "of " + section : "here")}: {string.Join(", ", settings.Order(StringComparer.Ordinal))}";
    }

    /// <summary>The one setting of <paramref name="settings"/> that <paramref name="key"/> misspells by a letter or two (by three for a long one), ignoring case; null when none or several are that near.</summary>
    private static string? Meant(string key, IReadOnlyList<string> settings)
    {
        if (key.Length > 60)
        {
            return null;
        }

        var lower = key.ToLowerInvariant();
        var near = settings.Where(s => Rules.UnreadFiles.Distance(lower, s.ToLowerInvariant()) <= (s.Length >= 12 ? 3 : s.Length >= 6 ? 2 : 1)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        return near.Length == 1 ? near[0] : null;
    }

    /// <summary>What the operator is told: the key, that it is ignored, and how a list (or a map) is written in JSON and in environment variables.</summary>
    internal static string Describe(string path, bool map)
    {
        var variable = path.Replace(":", "__", StringComparison.Ordinal);
        return map
            ? $"{path} holds one value where it takes named entries, and would be ignored: write it as an object of entries (JSON \"{Last(path)}\": {{ \"name\": … }}; environment {variable}__<name>__…)"
            : $"{path} holds one value where it takes a list, and would be ignored: write it as a list (JSON \"{Last(path)}\": [ … ]; environment {variable}__0=…, {variable}__1=…)";
    }

    private static string Last(string path) => path[(path.LastIndexOf(':') + 1)..];

    /// <summary>Values the binder reads from one string: no list, no nested settings in them.</summary>
    private static bool IsPlain(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
            || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Uri) || t == typeof(Guid) || t == typeof(object);
    }

    /// <summary>A map's value type or a list's item type; null for anything else.</summary>
    private static Type? ItemType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        return MapValueType(type) ?? Generic(type, typeof(IEnumerable<>))?.GetGenericArguments()[0] ?? typeof(object);
    }

    /// <summary>A map's value type (<c>IDictionary&lt;string, V&gt;</c> and kin); null for anything else.</summary>
    private static Type? MapValueType(Type type) =>
        (Generic(type, typeof(IDictionary<,>)) ?? Generic(type, typeof(IReadOnlyDictionary<,>)))?.GetGenericArguments()[1];

    private static bool IsMap(Type type) => MapValueType(type) is not null;

    /// <summary><paramref name="type"/> itself or the interface of it that is <paramref name="definition"/> closed, or null.</summary>
    private static Type? Generic(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, as <c>Bind</c> does, and
    /// fails them (at start: naming the key; on a reload: the last good settings stay) when a key
    /// holds one value where they take a list.
    /// </summary>
    public static OptionsBuilder<TOptions> BindChecked<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new SettingsShapeValidator<TOptions>(section)));
        return builder.Bind(section);
    }
}

/// <summary>Fails <typeparamref name="TOptions"/> when <see cref="SettingsShape"/> finds a key of its section holding one value where a list is taken.</summary>
public sealed class SettingsShapeValidator<TOptions>(IConfigurationSection section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        SettingsShape.Check(section, typeof(TOptions), failures);
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
