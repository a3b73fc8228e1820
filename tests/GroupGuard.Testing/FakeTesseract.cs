using System.Globalization;

namespace GroupGuard.Testing;

/// <summary>
/// A stand-in for the <c>tesseract</c> command (<c>GroupGuard:Images:TesseractPath</c>): a shell
/// script in a folder of its own that records each call's arguments, answers <c>--list-langs</c>
/// with <c>chi_sim</c>, <c>eng</c> and <c>osd</c>, and otherwise answers a set text, fails, or
/// hangs with a child process of its own (to see that both are killed).
/// </summary>
public sealed class FakeTesseract : IDisposable
{
    private readonly TempFolder _folder = new();

    private FakeTesseract(string behaviour, string? answer = null)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The fake tesseract is a shell script");
        }

        if (answer is not null)
        {
            _folder.Write("answer", answer);
        }

        Path = _folder.Write("tesseract", $$"""
            #!/bin/sh
            dir=$(dirname "$0")
            echo "$*" >> "$dir/calls"
            if [ "$1" = "--list-langs" ]; then
              echo 'List of available languages in "/fake/tessdata/" (3):'
              printf 'chi_sim\neng\nosd\n'
              exit 0
            fi
            {{behaviour}}

            """);
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The script, for <c>TesseractPath</c>.</summary>
    public string Path { get; }

    /// <summary>The arguments of every call, one string a call, in order.</summary>
    public IReadOnlyList<string> Calls => File.Exists(_folder.File("calls")) ? File.ReadAllLines(_folder.File("calls")) : [];

    /// <summary>The calls that were to read a picture (not <c>--list-langs</c>).</summary>
    public IReadOnlyList<string> Reads => [.. Calls.Where(c => !c.StartsWith("--list-langs", StringComparison.Ordinal))];

    /// <summary>The first 8 bytes of the last picture it was given on standard input, in hex (an answering fake only).</summary>
    public string? Signature => File.Exists(_folder.File("input")) ? File.ReadAllText(_folder.File("input")).Trim() : null;

    /// <summary>A hanging fake's process id and its child's, as far as it got to write them.</summary>
    public IReadOnlyList<int> Processes =>
        [.. new[] { "pid", "child" }.Select(_folder.File).Where(File.Exists).Select(f => int.Parse(File.ReadAllText(f).Trim(), CultureInfo.InvariantCulture))];

    /// <summary>Reads the picture from standard input and prints <paramref name="text"/>, as tesseract prints what it read.</summary>
    public static FakeTesseract Answering(string text) => new("""
        head -c 8 | od -An -tx1 | tr -d ' \n' > "$dir/input"
        cat > /dev/null
        cat "$dir/answer"
        """, text);

    /// <summary>Reads the picture and fails as tesseract does on what it cannot read.</summary>
    public static FakeTesseract Failing() => new("""
        cat > /dev/null
        echo "Error in pixReadMem: Unknown format: no pix returned" >&2
        exit 1
        """);

    /// <summary>Never reads its input nor exits: it starts a child that sleeps and waits for it.</summary>
    public static FakeTesseract Hanging() => new("""
        echo $$ > "$dir/pid"
        sleep 300 &
        echo $! > "$dir/child"
        wait
        """);

    /// <summary>Whether process <paramref name="pid"/> is gone (or a zombie: killed, not yet reaped by its new parent).</summary>
    public static bool IsGone(int pid)
    {
        var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }
    }

    public void Dispose() => _folder.Dispose();
}
