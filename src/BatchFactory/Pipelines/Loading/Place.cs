using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BatchFactory.Pipelines.Loading;

/// <summary>Makes <see cref="PipelineException"/>s at a node of the file (or at a <c>--set</c>, for values that came from one).</summary>
internal sealed class Place(string path, IReadOnlyDictionary<YamlNode, string> fromSets)
{
    public string Path => path;

    public PipelineException At(YamlNode node, string message, Exception? inner = null, int offset = 0)
    {
        if (fromSets.TryGetValue(node, out var set))
        {
            return new PipelineException(path, 0, 0, $"in --set '{set}': {message}", inner);
        }

        return At(node.Start, message, inner, offset);
    }

    public PipelineException At(Mark mark, string message, Exception? inner = null, int offset = 0) =>
        new(path, (int)mark.Line, (int)mark.Column + offset, message, inner);
}
