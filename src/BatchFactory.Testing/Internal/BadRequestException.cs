namespace BatchFactory.Testing.Internal;

/// <summary>A request body the server cannot read; answered with 400 and the message.</summary>
internal sealed class BadRequestException(string message) : Exception(message);
