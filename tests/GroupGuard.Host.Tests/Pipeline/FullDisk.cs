namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// A disk that fills up, for the inbox journal's segments (<c>InboxJournal.OpenFile</c>): while
/// <see cref="Full"/>, a write writes half its bytes and then fails with "No space left on device",
/// as a write a disk fills up in the middle of does; files are still made (inodes are left), and
/// cutting one short works, as on a full disk.
/// </summary>
internal sealed class FullDisk
{
    public bool Full { get; set; }

    /// <summary>A file cannot be cut short either (an I/O error): what a failed write left of its line stays.</summary>
    public bool Failing { get; set; }

    public FileStream Open(string path, FileStreamOptions options) => new Filling(path, options, this);

    private sealed class Filling(string path, FileStreamOptions options, FullDisk disk) : FileStream(path, options)
    {
        // A FileStream of a derived type writes a span through here.
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (!disk.Full)
            {
                base.Write(buffer, offset, count);
                return;
            }

            base.Write(buffer, offset, count / 2);
            throw new IOException("No space left on device");
        }

        public override void SetLength(long value)
        {
            if (disk.Failing)
            {
                throw new IOException("Input/output error");
            }

            base.SetLength(value);
        }
    }
}
