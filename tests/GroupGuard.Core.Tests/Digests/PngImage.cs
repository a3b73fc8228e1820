using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GroupGuard.Core.Tests.Digests;

/// <summary>
/// Reads back what the chart writes, checking as it goes: the signature, every chunk's CRC (with
/// a bitwise CRC-32 of its own, not the encoder's table), IHDR, IDAT's scanlines. Only 8-bit RGB
/// with filter type 0, which is all the chart writes.
/// </summary>
internal sealed class PngImage
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] _pixels;

    private PngImage(int width, int height, byte[] pixels, IReadOnlyList<string> chunks)
    {
        Width = width;
        Height = height;
        _pixels = pixels;
        Chunks = chunks;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The chunk types in file order.</summary>
    public IReadOnlyList<string> Chunks { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * 3;
            return (_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    public static PngImage Decode(byte[] png)
    {
        Assert.Equal(Signature, png[..8]);
        var chunks = new List<string>();
        byte[]? header = null;
        using var idat = new MemoryStream();
        var at = 8;
        while (at < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.True(crc == BitwiseCrc32(png.AsSpan(at + 4, 4 + length)), $"the CRC of chunk {chunks.Count} ({type}) is wrong");
            chunks.Add(type);
            switch (type)
            {
                case "IHDR":
                    header = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            at += 12 + length;
        }

        Assert.Equal(png.Length, at);
        Assert.Equal("IHDR", chunks[0]);
        Assert.Equal("IEND", chunks[^1]);
        Assert.NotNull(header);
        Assert.Equal(13, header.Length);
        var width = BinaryPrimitives.ReadInt32BigEndian(header);
        var height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        Assert.Equal([8, 2, 0, 0, 0], header[8..]); // 8-bit RGB, deflate, standard filters, no interlace

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var raw = inflated.ToArray();
        var stride = 1 + (width * 3);
        Assert.Equal(height * stride, raw.Length); // one scanline per row, each as long as the width says
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            Assert.Equal(0, raw[y * stride]); // filter type none
            Array.Copy(raw, (y * stride) + 1, pixels, y * width * 3, width * 3);
        }

        return new PngImage(width, height, pixels, chunks);
    }

    /// <summary>How many pixels of column <paramref name="x"/> have <paramref name="colour"/>.</summary>
    public int CountInColumn(int x, (byte, byte, byte) colour) => Enumerable.Range(0, Height).Count(y => this[x, y] == colour);

    /// <summary>How many pixels of the rectangle [x0, x1) × [y0, y1) have <paramref name="colour"/>.</summary>
    public int Count((byte, byte, byte) colour, int x0 = 0, int y0 = 0, int? x1 = null, int? y1 = null)
    {
        var count = 0;
        for (var y = y0; y < (y1 ?? Height); y++)
        {
            for (var x = x0; x < (x1 ?? Width); x++)
            {
                count += this[x, y] == colour ? 1 : 0;
            }
        }

        return count;
    }

    /// <summary>How many pixels of the rectangle [x0, x1) × [y0, y1) have none of <paramref name="colours"/>.</summary>
    public int CountOther(IReadOnlyCollection<(byte, byte, byte)> colours, int x0, int y0, int x1, int y1)
    {
        var count = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                count += colours.Contains(this[x, y]) ? 0 : 1;
            }
        }

        return count;
    }

    private static uint BitwiseCrc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
            }
        }

        return ~crc;
    }
}
