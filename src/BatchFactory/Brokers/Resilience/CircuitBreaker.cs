namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// The state of one breaker (one model), shared by the chat and embedding decorators of that model: the outcomes of the
/// last calls, and, once open, why. It opens at most once and never closes (see <see cref="CircuitBreakerOptions"/>).
/// </summary>
internal sealed class CircuitBreaker : IDisposable
{
    private const int MaxDetail = 300;

    private readonly Lock _lock = new();
    private readonly CircuitBreakerOptions _options;
    private readonly Func<string, string> _redact;
    private readonly bool[] _window;
    private readonly CancellationTokenSource _opened = new();
    private int _next;
    private int _inWindow;
    private int _failedInWindow;
    private int _ended;
    private int _inARow;
    private int _failed;
    private ProviderUnavailableException? _open;

    /// <param name="model">What the breaker guards, <c>model@provider</c>, named in its exception.</param>
    /// <param name="options">When to open; checked here.</param>
    /// <param name="redact">Removes API keys from the provider's error before it goes into a message; default none.</param>
    public CircuitBreaker(string model, CircuitBreakerOptions options, Func<string, string>? redact = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Model = model;
        _options = options;
        _redact = redact ?? (text => text);
        _window = new bool[options.SamplingCalls];
    }

    public string Model { get; }

    /// <summary>Whether the breaker has opened.</summary>
    public bool IsOpen => Volatile.Read(ref _open) is not null;

    /// <summary>
    /// Sends a call through the breaker: refused at once when open; otherwise made with a token that is also cancelled
    /// when the breaker opens, and its outcome recorded.
    /// </summary>
    /// <exception cref="ProviderUnavailableException">The breaker is open, or this call's failure opened it.</exception>
    public async Task<TResult> ExecuteAsync<TState, TResult>(Func<TState, CancellationToken, Task<TResult>> call, TState state, CancellationToken cancellationToken)
    {
        ThrowIfOpen();
        using var linked = Link(cancellationToken);
        TResult result;
        try
        {
            result = await call(state, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failed(ex, cancellationToken) is { } unavailable)
        {
            throw unavailable;
        }

        Succeeded();
        return result;
    }

    /// <summary>A token cancelled by <paramref name="cancellationToken"/> and when the breaker opens; dispose it after the call.</summary>
    public CancellationTokenSource Link(CancellationToken cancellationToken) => CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _opened.Token);

    /// <summary>Throws when the breaker is open.</summary>
    /// <exception cref="ProviderUnavailableException">The breaker is open.</exception>
    public void ThrowIfOpen()
    {
        if (Volatile.Read(ref _open) is { } open)
        {
            throw Copy(open, refused: true);
        }
    }

    /// <summary>A call ended with an answer.</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            Record(failed: false);
        }
    }

    /// <summary>
    /// A call failed with <paramref name="exception"/>: records it, and returns the exception to throw instead when the
    /// breaker is (now) open; <see langword="null"/> to let the failure surface as it is.
    /// </summary>
    public ProviderUnavailableException? Failed(Exception exception, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            return null;
        }

        if (exception is OperationCanceledException && _opened.IsCancellationRequested)
        {
            return Copy(Volatile.Read(ref _open)!, refused: true);
        }

        var fault = ProviderFault.Of(exception);
        var kind = fault.Kind switch
        {
            ProviderFaultKind.Auth when !_options.OpenOnAuthError => ProviderFaultKind.Answered,
            ProviderFaultKind.NotFound when !_options.OpenOnModelNotFound => ProviderFaultKind.Answered,
            var k => k,
        };
        if (kind == ProviderFaultKind.None)
        {
            return Volatile.Read(ref _open) is { } stopped ? Copy(stopped, refused: false) : null;
        }

        ProviderUnavailableException? openedNow = null;
        ProviderUnavailableException? open;
        lock (_lock)
        {
            if (kind == ProviderFaultKind.Answered)
            {
                Record(failed: false);
            }
            else
            {
                _failed++;
                var why = fault.Reason;
                if (kind == ProviderFaultKind.Unhealthy)
                {
                    Record(failed: true);
                    why = Tripped();
                }

                if (_open is null && why is not null)
                {
                    openedNow = _open = Open(kind, why, fault.StatusCode, exception);
                }
            }

            open = _open;
        }

        if (openedNow is not null)
        {
            _opened.Cancel();
            return openedNow;
        }

        return open is null ? null : Copy(open, refused: false);
    }

    public void Dispose() => _opened.Dispose();

    private void Record(bool failed)
    {
        _ended++;
        _inARow = failed ? _inARow + 1 : 0;
        if (_inWindow == _window.Length)
        {
            if (_window[_next])
            {
                _failedInWindow--;
            }
        }
        else
        {
            _inWindow++;
        }

        _window[_next] = failed;
        if (failed)
        {
            _failedInWindow++;
        }

        _next = (_next + 1) % _window.Length;
    }

    // Why the thresholds are passed, or null when they are not.
    private string? Tripped()
    {
        if (_inARow >= _options.ConsecutiveFailures)
        {
            return $"{_inARow} calls in a row failed";
        }

        if (_ended >= _options.MinimumCalls && _failedInWindow > _options.FailureRatio * _inWindow)
        {
            return $"{_failedInWindow} of the last {_inWindow} calls failed";
        }

        return null;
    }

    private ProviderUnavailableException Open(ProviderFaultKind kind, string reason, int? status, Exception cause)
    {
        var last = kind == ProviderFaultKind.Unhealthy ? $" (the last: {ProviderFault.Of(cause).Reason})" : string.Empty;
        var advice = kind switch
        {
            ProviderFaultKind.Auth => "Check the API key and that it may use this model.",
            ProviderFaultKind.NotFound => "Check the model's name (the provider says it does not exist) and the provider's base URL.",
            _ => "Check that the provider is reachable (its base URL, the network) and up, then try again.",
        };
        var detail = _redact(cause.Message).ReplaceLineEndings(" ");
        if (detail.Length > MaxDetail)
        {
            detail = string.Concat(detail.AsSpan(0, MaxDetail), "…");
        }

        var calls = _failed == 1 ? "1 call" : $"{_failed} calls";
        var message = $"The provider of '{Model}' is unavailable: {reason}{last}; {calls} failed, and no more are sent. {advice} Provider's error: {detail}";
        return new ProviderUnavailableException(Model, reason + last, status, _failed, message, cause);
    }

    private static ProviderUnavailableException Copy(ProviderUnavailableException open, bool refused) =>
        new(open.Model, open.Reason, open.StatusCode, open.FailedCalls, open.Message, open.InnerException) { Refused = refused };
}
