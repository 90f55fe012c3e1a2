using YamlDotNet.RepresentationModel;

namespace BatchFactory.Pipelines.Loading;

/// <summary>One op of a pipeline's graph as read: its description, where it is, its arguments (nodes, converted when the graph is built) and nested bodies.</summary>
internal sealed record OpNode(OpDescription Op, YamlNode At, IReadOnlyList<OpArgument> Arguments);

/// <summary>One argument of an op: its parameter, its node, and for a <c>graph</c> parameter the ops of the body.</summary>
internal sealed record OpArgument(OpParameter Parameter, YamlNode Value, IReadOnlyList<OpNode>? Body);
