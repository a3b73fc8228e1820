using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GroupGuard.Core.Digests.Charts;

/// <summary>
/// Writes a <see cref="Raster"/> as a PNG: the signature, IHDR (8-bit RGB, not interlaced), one
/// IDAT (every scanline with filter type 0, zlib-compressed) and IEND, each chunk with its CRC-32.
/// No time or text chunks, so the same picture gives the same bytes.
/// </summary>
internal static class PngEncoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(Raster raster)
    {
        ArgumentNullException.ThrowIfNull(raster);
        using var png = new MemoryStream();
        png.Write(Signature);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, raster.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), raster.Height);
        header[8] = 8; // bits per channel
        header[9] = 2; // colour type: RGB
        header[10] = 0; // compression: deflate
        header[11] = 0; // filtering: adaptive, every line type 0 here
        header[12] = 0; // no interlace
        Chunk(png, "IHDR", header);

        using (var data = new MemoryStream())
        {
            using (var zlib = new ZLibStream(data, CompressionLevel.Optimal, leaveOpen: true))
            {
                var stride = raster.Width * 3;
                var pixels = raster.Pixels;
                for (var y = 0; y < raster.Height; y++)
                {
                    zlib.WriteByte(0); // filter: none
                    zlib.Write(pixels.Slice(y * stride, stride));
                }
            }

            Chunk(png, "IDAT", data.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(MemoryStream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(Crc32.Update(Crc32.Start, typeBytes), data) ^ Crc32.Start);
        png.Write(word);
    }

    /// <summary>
    /// CRC-32 as PNG (and zip, and Ethernet) defines it: reflected polynomial 0xEDB88320, started
    /// at and finished with 0xFFFFFFFF. Here rather than a package for one table.
    /// </summary>
    internal static class Crc32
    {
        public const uint Start = 0xFFFFFFFF;

        private static readonly uint[] Table = Build();

        public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        /// <summary>The finished CRC of <paramref name="bytes"/>.</summary>
        public static uint Of(ReadOnlySpan<byte> bytes) => Update(Start, bytes) ^ Start;

        private static uint[] Build()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
