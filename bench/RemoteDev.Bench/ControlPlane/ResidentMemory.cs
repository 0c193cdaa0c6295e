namespace RemoteDev.Bench.ControlPlane;

/// <summary>
/// Resident memory by kind. Anonymous pages are the process's heaps (the GC's, garbage not yet collected included) and
/// stacks; shared memory is the runtime's executable memory (JIT-compiled code, type data); together they are what the
/// process owns. File-backed pages are the runtime's and assemblies' code and data mapped from disk: shared with every
/// process that maps the same files, reclaimable by the kernel, and resident once a code path first runs.
/// </summary>
internal readonly record struct ResidentMemory(long Anonymous, long SharedMemory, long FileBacked)
{
    public long Private => Anonymous + SharedMemory;

    public long Total => Private + FileBacked;
}
