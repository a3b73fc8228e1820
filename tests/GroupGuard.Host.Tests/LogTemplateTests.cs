using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Every log line GroupGuard writes through <see cref="LoggerMessageAttribute"/>, read from its
/// assemblies: none begins or ends with white space, and none ends with a value that may be null,
/// which the line shows as "(null)" (the action line ended "Done " or "Done (null)" when the
/// platform gave no error).
/// </summary>
public sealed partial class LogTemplateTests
{
    private static IEnumerable<(MethodInfo Method, string Template)> Templates()
    {
        var assemblies = typeof(Program).Assembly.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("GroupGuard.", StringComparison.Ordinal))
            .Select(Assembly.Load)
            .Append(typeof(Program).Assembly);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        return assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(all))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Method, m.Attribute!.Message));
    }

    [Fact]
    public void No_log_message_template_begins_or_ends_with_white_space()
    {
        var templates = Templates().ToList();
        Assert.True(templates.Count > 150, $"only {templates.Count} templates found");

        Assert.Empty(templates
            .Where(t => t.Template.Length == 0 || char.IsWhiteSpace(t.Template[0]) || char.IsWhiteSpace(t.Template[^1]) || t.Template.Contains("  ", StringComparison.Ordinal))
            .Select(t => $"{t.Method.DeclaringType}.{t.Method.Name}: '{t.Template}'"));
    }

    [Fact]
    public void No_log_message_ends_with_a_value_that_may_be_null()
    {
        var nullability = new NullabilityInfoContext();
        var ending = Templates()
            .Select(t => (t.Method, t.Template, Last: LastPlaceholder().Match(t.Template)))
            .Where(t => t.Last.Success)
            .Select(t => (t.Method, t.Template, Parameter: t.Method.GetParameters().FirstOrDefault(p => string.Equals(p.Name, t.Last.Groups[1].Value, StringComparison.OrdinalIgnoreCase))))
            .Where(t => t.Parameter is not null && t.Parameter.ParameterType == typeof(string) && nullability.Create(t.Parameter).ReadState == NullabilityState.Nullable)
            .Select(t => $"{t.Method.DeclaringType}.{t.Method.Name}: '{t.Template}' ends with {t.Parameter!.Name}, which may be null");

        Assert.Empty(ending);
    }

    [GeneratedRegex(@"\{@?(\w+)(?:[,:][^}]*)?\}$")]
    private static partial Regex LastPlaceholder();
}
