using System.ComponentModel;
using System.Diagnostics;

namespace GroupGuard.Testing;

/// <summary>
/// The fake chat archive SDK (<c>WeComArchive/fake_finance_sdk.c</c>) and a library with
/// <c>NewSdk</c> only (<c>WeComArchive/only_new_sdk.c</c>), compiled once with Debian's gcc into a
/// folder of their own; a test project shares one build through a collection fixture.
/// </summary>
public sealed class FakeSdkLibraries : IDisposable
{
    private readonly TempFolder _folder = new();

    public FakeSdkLibraries()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The fake WeCom chat archive SDK is built as a Linux shared library, as Tencent's is");
        }

        Fake = Compile("fake_finance_sdk.c", "libfake.so");
        OnlyNewSdk = Compile("only_new_sdk.c", "libonlynewsdk.so");
    }

    /// <summary>The fake SDK: every function of the header, driven by the file its corpid names.</summary>
    public string Fake { get; }

    /// <summary>A library that exports <c>NewSdk</c> and nothing else.</summary>
    public string OnlyNewSdk { get; }

    /// <summary>A folder for files the tests make (not libraries).</summary>
    public string Folder => _folder.Path;

    public void Dispose() => _folder.Dispose();

    private string Compile(string source, string library)
    {
        // The C sources travel inside this assembly, so every test project that uses it has them.
        var sourcePath = _folder.File(source);
        using (var resource = typeof(FakeSdkLibraries).Assembly.GetManifestResourceStream("WeComArchive." + source)
            ?? throw new InvalidOperationException($"{source} is not embedded in GroupGuard.Testing"))
        using (var file = File.Create(sourcePath))
        {
            resource.CopyTo(file);
        }

        var output = _folder.File(library);
        var start = new ProcessStartInfo("gcc")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-shared", "-fPIC", "-O1", "-Wall", "-Wextra", "-o", output, sourcePath })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("gcc did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"The WeCom tests build a fake chat archive SDK with gcc, which is not installed ({ex.Message}): apt-get install gcc (tools/test-prerequisites.sh installs it)", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(output))
            {
                throw new InvalidOperationException($"gcc could not build {source} (exit {process.ExitCode}):\n{stdout.Result}{stderr.Result}");
            }
        }

        return output;
    }
}
