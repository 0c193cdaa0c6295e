using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Internal;

namespace Grpc.AspNetCore.Server.Reflection;

/// <summary>
/// The mapped services and their proto files, built on first use from the generated <c>Descriptor</c> of each
/// service (found through the bind type of its [BindServiceMethod]).
/// </summary>
internal sealed class ReflectionIndex(MappedServiceRegistry registry)
{
    private readonly Lazy<Index> _index = new(() => Build(registry));

    public IReadOnlyList<string> ServiceNames => _index.Value.ServiceNames;

    /// <summary>The file and its transitive dependencies, the file first; null when unknown.</summary>
    public IReadOnlyList<ByteString>? FileByName(string fileName) =>
        _index.Value.Files.TryGetValue(fileName, out var file) ? WithDependencies(file) : null;

    public IReadOnlyList<ByteString>? FileContainingSymbol(string symbol) =>
        _index.Value.Symbols.TryGetValue(symbol, out var file) ? WithDependencies(file) : null;

    private static List<ByteString> WithDependencies(FileDescriptor file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ByteString>();
        var pending = new Stack<FileDescriptor>();
        pending.Push(file);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next.Name))
            {
                continue;
            }

            result.Add(next.SerializedData);
            foreach (var dependency in next.Dependencies)
            {
                pending.Push(dependency);
            }
        }

        return result;
    }

    private static Index Build(MappedServiceRegistry registry)
    {
        var index = new Index();
        foreach (var service in registry.Services)
        {
            var descriptor = service.GeneratedType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ServiceDescriptor
                ?? throw new InvalidOperationException($"{service.GeneratedType} has no static ServiceDescriptor Descriptor property.");
            index.ServiceNames.Add(descriptor.FullName);
            AddFile(index, descriptor.File);
        }

        return index;
    }

    private static void AddFile(Index index, FileDescriptor file)
    {
        if (!index.Files.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var service in file.Services)
        {
            index.Symbols[service.FullName] = file;
            foreach (var method in service.Methods)
            {
                index.Symbols[method.FullName] = file;
            }
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(index, file, message);
        }

        foreach (var enumType in file.EnumTypes)
        {
            index.Symbols[enumType.FullName] = file;
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(index, dependency);
        }
    }

    private static void AddMessage(Index index, FileDescriptor file, MessageDescriptor message)
    {
        index.Symbols[message.FullName] = file;
        foreach (var nested in message.NestedTypes)
        {
            AddMessage(index, file, nested);
        }

        foreach (var enumType in message.EnumTypes)
        {
            index.Symbols[enumType.FullName] = file;
        }
    }

    private sealed class Index
    {
        public List<string> ServiceNames { get; } = [];

        public Dictionary<string, FileDescriptor> Files { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, FileDescriptor> Symbols { get; } = new(StringComparer.Ordinal);
    }
}
