using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Dragonfly.Core;

/// <summary>
/// Highest-random-weight hashing of tasks onto supernode replicas by their <c>host:port</c>: every peer and the
/// operator's preheat pick the same home replica for a task, and when a replica goes away only its tasks move.
/// </summary>
public static class RendezvousHash
{
    public static ulong Weight(TaskId taskId, string authority) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(taskId.Value + "|" + authority)));

    /// <summary><paramref name="items"/> ordered for <paramref name="taskId"/>, home first.</summary>
    public static IReadOnlyList<T> Order<T>(TaskId taskId, IEnumerable<T> items, Func<T, string> authority) =>
        items.OrderByDescending(item => Weight(taskId, authority(item))).ToArray();
}
