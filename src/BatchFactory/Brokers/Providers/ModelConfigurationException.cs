namespace BatchFactory;

/// <summary>
/// A model cannot be used as configured: its provider is not registered, the model is unknown, or a setting such as an
/// API key is missing. Raised when a run is built, before any request is made; the message says what to set.
/// </summary>
public sealed class ModelConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelConfigurationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
