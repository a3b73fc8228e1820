namespace GroupGuard.Testing;

/// <summary>A folder of its own for one test, removed afterwards.</summary>
/// <param name="beforeDelete">
/// Runs before the folder is removed: e.g. <c>SqliteConnection.ClearAllPools</c>, whose pooled
/// connections would keep a database in the folder open.
/// </param>
public sealed class TempFolder(Action? beforeDelete = null) : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gg-test-" + Guid.NewGuid().ToString("n"))).FullName;

    /// <summary>The full path of a file or folder in the folder (not created).</summary>
    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Creates a folder in the folder and returns its full path.</summary>
    public string Folder(string relative) => Directory.CreateDirectory(File(relative)).FullName;

    public string Write(string name, string content)
    {
        var file = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        System.IO.File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        beforeDelete?.Invoke();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp folder is not a test failure.
        }
    }
}
