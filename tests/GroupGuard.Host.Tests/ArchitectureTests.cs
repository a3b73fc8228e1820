using System.Reflection;

namespace GroupGuard.Host.Tests;

/// <summary>The dependency rules of docs/architecture.md, checked on the built assemblies.</summary>
public sealed class ArchitectureTests
{
    /// <summary>The team's folder beside the repository, which a user's clone does not have.</summary>
    private const string TeamFolder = "shared";

    private static readonly string[] EdgeProjects = ["GroupGuard.OneBot", "GroupGuard.Milky", "GroupGuard.QQBot", "GroupGuard.Storage", "GroupGuard.Text.Jieba", "GroupGuard.Channels", "GroupGuard.Images", "GroupGuard.WeCom"];

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    private static string[] References(string name) =>
        Load(name).GetReferencedAssemblies().Select(a => a.Name!).ToArray();

    [Fact]
    public void Core_references_no_other_project_and_no_io_framework()
    {
        var references = References("GroupGuard.Core");

        Assert.DoesNotContain(references, r => r.StartsWith("GroupGuard.", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Dapper", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Quartz", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.Data", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r == "System.Net.Http" || r.StartsWith("Microsoft.Extensions.Http", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.Extensions.Hosting", StringComparison.Ordinal));
    }

    [Fact]
    public void Core_holds_no_hosted_service_or_background_worker()
    {
        var core = Load("GroupGuard.Core");

        var hosted = core.GetTypes().Where(t => t.GetInterfaces().Any(i => i.FullName == "Microsoft.Extensions.Hosting.IHostedService")).ToArray();

        Assert.Empty(hosted);
    }

    [Fact]
    public void Edge_projects_reference_core_only_and_never_each_other_or_the_host()
    {
        foreach (var edge in EdgeProjects)
        {
            var ours = References(edge).Where(r => r.StartsWith("GroupGuard.", StringComparison.Ordinal) || r == "groupguard").ToArray();

            Assert.Equal(["GroupGuard.Core"], ours);
            Assert.DoesNotContain(References(edge), r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || r.StartsWith("Quartz", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Nothing_references_the_host()
    {
        foreach (var project in EdgeProjects.Append("GroupGuard.Core"))
        {
            Assert.DoesNotContain("groupguard", References(project));
        }
    }

    [Fact]
    public void Implementations_are_internal_and_only_contracts_and_options_are_public()
    {
        foreach (var project in EdgeProjects)
        {
            var publicTypes = Load(project).GetExportedTypes();
            foreach (var type in publicTypes)
            {
                var isContract = type.IsInterface || type.IsEnum || type.IsAbstract && type.IsSealed /* static classes */
                    || type.Name.EndsWith("Options", StringComparison.Ordinal) || IsRecord(type);
                Assert.True(isContract || IsAllowedEntryPoint(type), $"{type.FullName} is public: make it internal sealed, or a contract");
            }
        }
    }

    [Fact]
    public void The_repository_refers_to_nothing_outside_it()
    {
        string[] skipped = ["bin", "obj", ".git", "TestResults", "BenchmarkDotNet.Artifacts", "data"];
        string[] text = [".cs", ".md", ".sh", ".py", ".json", ".yaml", ".yml", ".props", ".csproj", ".sln", ".service", ".sql", ".txt", ".tsv"];
        var outside = new List<string>();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => skipped.Contains(part)) || !text.Contains(Path.GetExtension(file)))
            {
                continue;
            }

            var content = File.ReadAllText(file);
            // Built from the folder's name, so that this file does not hold the pointers it looks for.
            foreach (var pointer in new[] { $"../{TeamFolder}", $"/work/{TeamFolder}", $"{TeamFolder}/docs", $"{TeamFolder}/data" })
            {
                if (content.Contains(pointer, StringComparison.Ordinal))
                {
                    outside.Add($"{relative}: {pointer}");
                }
            }
        }

        Assert.Empty(outside);
    }

    // The receiver is the adapter's one entry point for the host's endpoints.
    private static bool IsAllowedEntryPoint(Type type) => type.FullName == "GroupGuard.OneBot.OneBotWebhookReceiver";

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;
}
