using System.Data.Common;

namespace GroupGuard.Storage;

/// <summary>
/// A write that found the database damaged (<see cref="StorageDatabase.Damage"/>): its message
/// names the file and says what to do, where SQLite's own says only
/// <c>SQLite Error 11: 'database disk image is malformed'</c>. SQLite's exception is inside it.
/// It is a <see cref="DbException"/>, as SQLite's is, for whoever handles storage errors.
/// </summary>
internal sealed class DamagedDatabaseException(string message, Exception inner) : DbException(message, inner);
